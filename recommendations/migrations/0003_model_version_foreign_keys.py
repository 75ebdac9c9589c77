"""`Publication.version` and `RecommendationEvent.model_version` become foreign keys to ml.ModelVersion.

They were bare integers in the columns `version_id` and `model_version_id`; the foreign keys keep
those columns (their attnames), so no data moves and raw SQL still matches. The autodetector would
drop and re-add the columns, losing every row's version, hence this migration by hand:

- the database first forgets what points at versions that no longer exist (such a publication,
  and the lists of such a version, could never be served again: they are deleted; such an event
  keeps its row, attributed to no version, as SET_NULL does from now on), then gains the foreign
  key constraints (deferrable, initially deferred, named as Django names them) and the index of
  `model_version_id` (`version_id` keeps its unique index);
- the state replaces the integer fields with the foreign keys.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Subquery


def dangling_references_clear(apps, schema_editor):
    ModelVersion = apps.get_model("ml", "ModelVersion")
    Publication = apps.get_model("recommendations", "Publication")
    RecommendationList = apps.get_model("recommendations", "RecommendationList")
    RecommendationEvent = apps.get_model("recommendations", "RecommendationEvent")
    versions = Subquery(ModelVersion.objects.values("pk"))
    RecommendationList.objects.exclude(version_id__in=versions).delete()
    Publication.objects.exclude(version_id__in=versions).delete()
    RecommendationEvent.objects.filter(model_version_id__isnull=False).exclude(model_version_id__in=versions).update(
        model_version_id=None
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ml", "0001_initial"),
        ("recommendations", "0002_publication_confidence_scales_removed"),
    ]

    operations = [
        # Outside SeparateDatabaseAndState, whose inner RunPython `sqlmigrate` would run for real.
        migrations.RunPython(dangling_references_clear, migrations.RunPython.noop, elidable=True),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                # The same columns, now foreign keys: ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY ...
                # DEFERRABLE INITIALLY DEFERRED, and CREATE INDEX for the event's (not unique) column.
                migrations.AlterField(
                    model_name="publication",
                    name="version_id",
                    field=models.OneToOneField(
                        db_column="version_id",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="ml.modelversion",
                    ),
                ),
                migrations.AlterField(
                    model_name="recommendationevent",
                    name="model_version_id",
                    field=models.ForeignKey(
                        blank=True,
                        db_column="model_version_id",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="ml.modelversion",
                    ),
                ),
            ],
            state_operations=[
                migrations.RemoveField(model_name="publication", name="version_id"),
                migrations.AddField(
                    model_name="publication",
                    name="version",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="recommendation_publication",
                        to="ml.modelversion",
                    ),
                ),
                migrations.RemoveField(model_name="recommendationevent", name="model_version_id"),
                migrations.AddField(
                    model_name="recommendationevent",
                    name="model_version",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="Empty: the cold-start chain.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="recommendation_events",
                        to="ml.modelversion",
                    ),
                ),
            ],
        ),
    ]
