# The author's person replaces the name; itineraries and testimonials.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_people'),
        ('delegations', '0011_dispatch_authors_become_people'),
    ]

    operations = [
        migrations.RemoveField(model_name='dispatch', name='author'),
        migrations.RenameField(model_name='dispatch', old_name='author_person', new_name='author'),
        migrations.AlterField(
            model_name='dispatch',
            name='author',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='dispatches', to='core.person'),
        ),
        migrations.CreateModel(
            name='ItineraryDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(blank=True, null=True)),
                ('day_number', models.PositiveSmallIntegerField(blank=True, help_text='Day 1, 2, 3... when the date is not known.', null=True, verbose_name='day')),
                ('city', models.CharField(max_length=100)),
                ('order', models.PositiveSmallIntegerField(default=0)),
                ('delegation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='itinerary', to='delegations.delegation')),
            ],
            options={
                'verbose_name': 'day of the itinerary',
                'verbose_name_plural': 'itinerary',
                'ordering': ['order', 'date', 'day_number', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Testimonial',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('quote', models.TextField(max_length=1000)),
                ('on_landing', models.BooleanField(default=False, help_text='Show it on the Global Leadership page too.', verbose_name='also on the landing page')),
                ('order', models.PositiveSmallIntegerField(default=0)),
                ('delegation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='testimonials', to='delegations.delegation')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='testimonials', to='core.person')),
            ],
            options={
                'ordering': ['order', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Visit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('school', 'School'), ('ministry', 'Ministry or government'), ('company', 'Company'), ('other', 'Other')], default='school', max_length=20)),
                ('name', models.CharField(help_text='E.g. “Escola Secundária de Camões”.', max_length=200)),
                ('url', models.URLField(blank=True, verbose_name='website')),
                ('description', models.TextField(blank=True, max_length=1000)),
                ('order', models.PositiveSmallIntegerField(default=0)),
                ('day', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='visits', to='delegations.itineraryday')),
            ],
            options={
                'ordering': ['order', 'pk'],
            },
        ),
        migrations.AddConstraint(
            model_name='itineraryday',
            constraint=models.CheckConstraint(condition=models.Q(('date__isnull', False), ('day_number__isnull', False), _connector='OR'), name='itinerary_day_has_date_or_number', violation_error_message="Give the day's date, or its number (day 1, 2, 3...)."),
        ),
    ]
