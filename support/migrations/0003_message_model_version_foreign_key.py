"""A message's model: the label column becomes `model_label`, and `model_version` a foreign key to ml.ModelVersion.

Existing messages keep their label; their `model_version` is filled from it: "<kind> v<number>"
names that kind's version of that number (left empty when it no longer exists), and baseline
labels ("support_intents baseline") and empty ones stay empty.

The update runs after the new column and its constraint exist: Django creates a column's foreign
key with `SET CONSTRAINTS ... IMMEDIATE`, so the update leaves no pending trigger events behind for
the index created at the end of the migration.
"""

import re

import django.db.models.deletion
from django.db import migrations, models

VERSION_LABEL = re.compile(r"(?P<kind>[\w-]+) v(?P<number>\d+)")


def model_versions_fill(apps, schema_editor):
    ModelVersion = apps.get_model("ml", "ModelVersion")
    Message = apps.get_model("support", "Message")
    labels = Message.objects.exclude(model_label="").values_list("model_label", flat=True).distinct()
    for label in list(labels):  # one label per version served: a handful of updates
        match = VERSION_LABEL.fullmatch(label)
        if match is None:
            continue  # a baseline
        version = ModelVersion.objects.filter(
            registered_model__name=match["kind"], number=int(match["number"])
        ).first()
        if version is not None:
            Message.objects.filter(model_label=label).update(model_version=version)


class Migration(migrations.Migration):
    dependencies = [
        ("ml", "0001_initial"),
        ("support", "0002_ticket_reply_email"),
    ]

    operations = [
        migrations.RenameField(model_name="message", old_name="model_version", new_name="model_label"),
        migrations.AlterField(
            model_name="message",
            name="model_label",
            field=models.CharField(
                blank=True,
                help_text='The model that understood the message, e.g. "support_intents v3", "support_intents baseline".',
                max_length=80,
            ),
        ),
        migrations.AddField(
            model_name="message",
            name="model_version",
            field=models.ForeignKey(
                blank=True,
                help_text="The trained version behind the label; empty for the baseline and for answers no model gave.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="support_messages",
                to="ml.modelversion",
            ),
        ),
        migrations.RunPython(model_versions_fill, migrations.RunPython.noop, elidable=True),
    ]
