# Organisations, contacts and section copy move to the core app, and the content version
# to the pagecache app. Their tables (and every row) are renamed here, while the models
# still belong to this app; core/0001 and pagecache/0001 then take the models over, and
# 0006 removes them from this app's state. See core/moved_models.py.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('delegations', '0004_validated_uploads'),
        ('symposium', '0002_validated_uploads'),
    ]

    operations = [
        migrations.AlterModelTable(name='organisation', table='core_organisation'),
        migrations.AlterModelTable(name='contact', table='core_contact'),
        migrations.AlterModelTable(name='section', table='core_section'),
        migrations.AlterModelTable(name='contentversion', table='pagecache_contentversion'),
    ]
