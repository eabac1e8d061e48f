# Partners point to core's organisations (the same table: see core/0001), and are a trip's
# and an edition's "partners" alike.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('symposium', '0002_validated_uploads'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='symposiumpartner',
                    name='organisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organisation'),
                ),
            ],
        ),
        migrations.AlterModelOptions(
            name='symposiumpartner',
            options={'ordering': ['order', 'pk'], 'verbose_name': 'sponsor or partner', 'verbose_name_plural': 'sponsors and partners'},
        ),
        migrations.AlterField(
            model_name='symposiumpartner',
            name='symposium',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='partners', to='symposium.symposium'),
        ),
    ]
