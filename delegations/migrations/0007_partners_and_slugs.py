# A trip's sponsors, partners and hosts are its "partners", as an edition's are; a
# report's slug is unique within its trip, as a dispatch's is; dispatches record their
# last edit.

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from core.moved_models import MoveModel


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('delegations', '0006_moved_models'),
    ]

    operations = [
        migrations.RenameModel(old_name='Appearance', new_name='DelegationPartner'),
        MoveModel('delegations.Appearance', 'delegations.DelegationPartner'),
        migrations.AlterField(
            model_name='delegationpartner',
            name='delegation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='partners', to='delegations.delegation'),
        ),
        migrations.AddField(
            model_name='dispatch',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='report',
            name='slug',
            field=models.SlugField(help_text='Filled in from the title.', max_length=250),
        ),
        migrations.AddConstraint(
            model_name='report',
            constraint=models.UniqueConstraint(fields=('delegation', 'slug'), name='report_slug_unique_per_delegation', violation_error_message='Another report of this trip already uses this slug.'),
        ),
    ]
