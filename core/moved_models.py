"""A migration operation for a model that moved to another app or was renamed.

Moving or renaming a model keeps its table (renamed, with every row); this carries along
what refers to the model by name rather than by table:

- its content type (so admin permissions, log entries and history keep their id),
- its permissions' codenames when its name changes ("add_contact" becomes "add_person",
  and the groups that had it keep it). Django renames them too, after `migrate`, but
  only for the app whose migration renamed the model: a rename undone along with a move
  to another app would leave both codenames behind,
- the "model" label inside every saved version of its objects (django-reversion
  stores each version as serialized JSON, which names the model by label), so that
  History can still show, compare and restore versions saved before the move.

It runs both ways, so the migration that uses it can be reversed.
"""

import json

from django.db import migrations

ACTIONS = ("add", "change", "delete", "view")


class MoveModel(migrations.RunPython):
    def __init__(self, old_label, new_label):
        self.old_label, self.new_label = old_label.lower(), new_label.lower()
        super().__init__(self.forwards, self.backwards)

    def forwards(self, apps, schema_editor):
        self.move(apps, schema_editor, self.old_label, self.new_label)

    def backwards(self, apps, schema_editor):
        self.move(apps, schema_editor, self.new_label, self.old_label)

    @staticmethod
    def move(apps, schema_editor, old_label, new_label):
        db = schema_editor.connection.alias
        ContentType = apps.get_model("contenttypes", "ContentType")
        Permission = apps.get_model("auth", "Permission")
        Version = apps.get_model("reversion", "Version")
        (old_app, old_model), (new_app, new_model) = old_label.split("."), new_label.split(".")
        content_types = ContentType.objects.using(db)
        # Django's own RenameContentType may have renamed it already (RenameModel).
        content_type = (
            content_types.filter(app_label=old_app, model=old_model).first()
            or content_types.filter(app_label=new_app, model=new_model).first()
        )
        if content_type is None:  # a new database: nothing refers to the model yet
            return
        content_type.app_label, content_type.model = new_app, new_model
        content_type.save(using=db, update_fields=["app_label", "model"])
        if old_model != new_model:
            for action in ACTIONS:
                Permission.objects.using(db).filter(
                    content_type=content_type, codename=f"{action}_{old_model}"
                ).update(codename=f"{action}_{new_model}")
        for version in Version.objects.using(db).filter(content_type=content_type):
            if version.format != "json":
                continue
            data = json.loads(version.serialized_data)
            for item in data:
                if item.get("model") == old_label:
                    item["model"] = new_label
            version.serialized_data = json.dumps(data, ensure_ascii=False)
            version.save(using=db, update_fields=["serialized_data"])
        ContentType.objects.clear_cache()
