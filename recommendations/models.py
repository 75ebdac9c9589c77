"""Published recommendation lists and the online feedback on them.

Publishing (recommendations.services.publication_write) precomputes, for one `als` model version,
everything the pages and the API show, as one table of lists keyed by (version, list, key):

    for_user         key = user id       the user's top products, each with the product that explains it
    similar          key = product id    the product's nearest neighbours
    bought_together  key = product id    products most often in the same basket
    trending         key = category id   the category's (0: the whole store's) trending products

Readers ask the ML registry which version is the `als` champion and read that version's rows only,
so switching the champion switches every list at once: a reader sees the old lists or the new
ones, never a mix. A `Publication` row is written last, in the same transaction as the lists; a
version without one has nothing published (readers fall back to the cold-start chain).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models


class RecommendationList(models.Model):
    class Kind(models.IntegerChoices):
        FOR_USER = 1, "For a user"
        SIMILAR = 2, "Similar products"
        BOUGHT_TOGETHER = 3, "Bought together"
        TRENDING = 4, "Trending in a category"

    version_id = models.BigIntegerField(help_text="The ml.ModelVersion these lists come from.")
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    key = models.BigIntegerField(help_text="User id, product id, or category id (0: the whole store).")
    product_ids = ArrayField(models.BigIntegerField())
    reason_ids = ArrayField(models.BigIntegerField(), help_text="Per product: the product that explains it, or 0.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version_id", "kind", "key"], name="recommendation_list_unique")]

    def __str__(self) -> str:
        return f"v{self.version_id} {self.get_kind_display()} {self.key}"


class Publication(models.Model):
    """The lists of one model version are complete. Also keeps what serving needs beside the lists."""

    # Column `version_id`, as when it was a plain integer. Deleting the version deletes its publication; its
    # lists (RecommendationList.version_id, no foreign key) go at the next services.publications_prune.
    version = models.OneToOneField(
        "ml.ModelVersion", on_delete=models.CASCADE, related_name="recommendation_publication"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    row_counts = models.JSONField(default=dict)
    seconds = models.FloatField(default=0.0)
    trained_until = models.DateTimeField(help_text="Events after this are folded in when a user is served.")
    params = models.JSONField(default=dict, help_text="Event weighting and engine parameters of the version.")

    def __str__(self) -> str:
        return f"Publication of version {self.version_id}"


class RecommendationEvent(models.Model):
    """One impression or click of a product in a recommendation block (written in bulk by the beacon)."""

    class Kind(models.TextChoices):
        IMPRESSION = "impression", "Impression"
        CLICK = "click", "Click"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    block = models.CharField(max_length=30)
    position = models.PositiveSmallIntegerField()
    product_id = models.BigIntegerField()
    # Column `model_version_id`; a deleted version leaves its events, attributed to no version.
    model_version = models.ForeignKey(
        "ml.ModelVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendation_events",
        help_text="Empty: the cold-start chain.",
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    session_key = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["block", "model_version_id", "created_at"], name="rec_event_block_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.block}#{self.position} product {self.product_id}"
