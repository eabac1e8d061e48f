# A contact becomes a person: one record for everyone the site names (contacts, delegates,
# authors, speakers), with a page of their own. The table and every row are kept; the slug
# of each existing person is made from their name.

from django.db import migrations, models
from django.db.models import Q

import core.validators
from core.moved_models import MoveModel


def fill_slugs(apps, schema_editor):
    from django.utils.text import slugify

    Person = apps.get_model("core", "Person")
    taken = set()
    for person in Person.objects.order_by("pk"):
        base = slugify(person.name) or "person"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        person.slug = slug
        person.save(update_fields=["slug"])


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('core', '0001_initial'),
        ('delegations', '0009_promotion_apart_from_the_summary'),
        ('symposium', '0003_partners'),
    ]

    operations = [
        migrations.RenameModel(old_name='Contact', new_name='Person'),
        MoveModel('core.Contact', 'core.Person'),
        migrations.AlterModelOptions(
            name='person',
            options={'ordering': ['name'], 'verbose_name_plural': 'people'},
        ),
        migrations.AddField(
            model_name='person',
            name='slug',
            field=models.SlugField(db_index=False, default='', max_length=200),
            preserve_default=False,
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='person',
            name='slug',
            field=models.SlugField(help_text="The person's web address. Filled in from the name.", max_length=200, unique=True),
        ),
        migrations.AlterField(
            model_name='person',
            name='organisation',
            field=models.ForeignKey(blank=True, help_text='Their organisation, school district or ministry.', null=True, on_delete=models.deletion.PROTECT, related_name='people', to='core.organisation'),
        ),
        migrations.AlterField(
            model_name='person',
            name='email',
            field=models.EmailField(blank=True, help_text='Shown only where the person is a contact, and used for inquiries.', max_length=254),
        ),
        migrations.AddField(
            model_name='person',
            name='photo',
            field=core.validators.PictureField(blank=True, upload_to=core.validators.sanitised_upload_to('people'), validators=[core.validators.validate_image]),
        ),
        migrations.AddField(
            model_name='person',
            name='photo_alt',
            field=models.CharField(blank=True, help_text='Who is in the photo, for people who cannot see it. Required with a photo.', max_length=250, verbose_name='photo description'),
        ),
        migrations.AddField(
            model_name='person',
            name='bio',
            field=models.TextField(blank=True, help_text='A few plain sentences.', max_length=1000, verbose_name='short biography'),
        ),
        migrations.AddField(
            model_name='person',
            name='listed',
            field=models.BooleanField(default=False, help_text="Tick only with the person's consent: only then are they named among a trip's delegates.", verbose_name='agreed to be listed as a delegate'),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.CheckConstraint(condition=Q(photo='') | ~Q(photo_alt=''), name='person_photo_has_alt', violation_error_message='Describe the photo for people who cannot see it.'),
        ),
    ]
