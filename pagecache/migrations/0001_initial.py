# The content version was delegations' until delegations/0005, which renamed its table to
# this app's: so this migration creates no table (see core/moved_models.py).

import django.utils.timezone
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
                    name='ContentVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveBigIntegerField(default=0)),
                        ('changed_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        'constraints': [models.CheckConstraint(condition=models.Q(('pk', 1)), name='content_version_single_row')],
                    },
                ),
            ],
        ),
        MoveModel('delegations.ContentVersion', 'pagecache.ContentVersion'),
    ]
