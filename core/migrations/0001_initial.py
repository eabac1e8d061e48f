# These models were delegations' until delegations/0005, which renamed their tables to
# the ones this app's models use: so this migration creates no table, and carries their
# content types, permissions and history over (core/moved_models.py).

import django.db.models.deletion
from django.db import migrations, models

from core.moved_models import MoveModel


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('delegations', '0005_tables_of_moved_models'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('reversion', '0002_add_index_on_version_for_content_type_and_db'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Organisation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, unique=True)),
                        ('short_name', models.CharField(blank=True, help_text='How the organisation is named in short, e.g. UNESCO.', max_length=50)),
                        ('website', models.URLField(blank=True)),
                    ],
                    options={
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Contact',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200)),
                        ('title', models.CharField(blank=True, help_text='For example: Chief Operating Officer.', max_length=200, verbose_name='job title')),
                        ('email', models.EmailField(blank=True, max_length=254)),
                        ('phone', models.CharField(blank=True, max_length=40)),
                        ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contacts', to='core.organisation')),
                    ],
                    options={
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Section',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(choices=[('global-leadership', 'Global Leadership (landing page)'), ('delegations', 'International Delegations'), ('symposium', 'International Symposium')], help_text='Which part of the site this introduction belongs to.', max_length=40, unique=True)),
                        ('heading', models.CharField(max_length=200)),
                        ('intro', models.TextField(blank=True, verbose_name='introduction')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('contact', models.ForeignKey(blank=True, help_text='Whom visitors should ask about this part of the site. Shown, for example, when no delegation is open for registration.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.contact')),
                    ],
                    options={
                        'ordering': ['key'],
                    },
                ),
            ],
        ),
        MoveModel('delegations.Organisation', 'core.Organisation'),
        MoveModel('delegations.Contact', 'core.Contact'),
        MoveModel('delegations.Section', 'core.Section'),
    ]
