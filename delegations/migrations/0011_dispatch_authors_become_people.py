# A dispatch's author, a name until now, becomes a person: one per name, every name kept.
# Podcast apps want each episode's size: the files uploaded so far are measured.

from django.db import migrations


def authors_to_people(apps, schema_editor):
    from django.utils.text import slugify

    Dispatch = apps.get_model("delegations", "Dispatch")
    Person = apps.get_model("core", "Person")
    taken = set(Person.objects.values_list("slug", flat=True))
    people = {}
    for dispatch in Dispatch.objects.exclude(author="").order_by("pk"):
        name = dispatch.author.strip()
        if name not in people:
            person = Person.objects.filter(name=name).order_by("pk").first()
            if person is None:
                base = slugify(name) or "person"
                slug, n = base, 1
                while slug in taken:
                    n += 1
                    slug = f"{base}-{n}"
                taken.add(slug)
                person = Person.objects.create(name=name, slug=slug)
            people[name] = person
        dispatch.author_person = people[name]
        dispatch.save(update_fields=["author_person"])


def people_to_authors(apps, schema_editor):
    Dispatch = apps.get_model("delegations", "Dispatch")
    for dispatch in Dispatch.objects.filter(author_person__isnull=False).select_related("author_person"):
        dispatch.author = dispatch.author_person.name
        dispatch.save(update_fields=["author"])


def measure_audio(apps, schema_editor):
    """Podcast apps want each episode's size: measure the files uploaded so far."""
    Dispatch = apps.get_model("delegations", "Dispatch")
    for dispatch in Dispatch.objects.exclude(audio_file=""):
        try:
            size = dispatch.audio_file.size
        except OSError:  # a file missing from storage: its size stays unknown
            continue
        Dispatch.objects.filter(pk=dispatch.pk).update(audio_size=size)


class Migration(migrations.Migration):

    dependencies = [
        ('delegations', '0010_people_itinerary_testimonials'),
    ]

    operations = [
        migrations.RunPython(authors_to_people, people_to_authors),
        migrations.RunPython(measure_audio, migrations.RunPython.noop),
    ]
