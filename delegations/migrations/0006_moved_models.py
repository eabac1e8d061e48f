# The moved models now belong to core and pagecache (same tables): point this app's
# relations at them and drop them from this app's state. Nothing changes in the database.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('delegations', '0005_tables_of_moved_models'),
        ('core', '0001_initial'),
        ('pagecache', '0001_initial'),
        ('symposium', '0003_partners'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='delegation',
                    name='contacts',
                    field=models.ManyToManyField(blank=True, help_text='Whom visitors should contact about this trip.', related_name='delegations', to='core.contact'),
                ),
                migrations.AlterField(
                    model_name='appearance',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organisation'),
                ),
                migrations.DeleteModel(name='Section'),
                migrations.DeleteModel(name='Contact'),
                migrations.DeleteModel(name='Organisation'),
                migrations.DeleteModel(name='ContentVersion'),
            ],
        ),
    ]
