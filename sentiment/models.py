"""What the sentiment app stores: one score per review, and a cached summary per product.

- `ReviewSentiment`: the label, the three probabilities, the confidence, which model made it (a
  registry version, the VADER baseline, or the stars fallback when no model could score), the
  aspect phrases found in the text, and the moderation flags with their state.
- `ProductSentiment`: a product's share of positive / neutral / negative reviews and its liked
  and disliked aspects, recomputed by a task after reviews change (sentiment.services).

Rows are written only by sentiment.services.
"""

from django.db import models


class Label(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    NEUTRAL = "neutral", "Neutral"
    POSITIVE = "positive", "Positive"


class ReviewSentiment(models.Model):
    class Source(models.TextChoices):
        MODEL = "model", "Trained model"
        BASELINE = "baseline", "Baseline (VADER)"
        STARS = "stars", "Stars fallback"

    class Moderation(models.TextChoices):
        NONE = "none", "Nothing to check"
        OPEN = "open", "Needs a look"
        CLEARED = "cleared", "Checked by staff"

    review = models.OneToOneField("shop.Review", on_delete=models.CASCADE, related_name="sentiment")
    label = models.CharField(max_length=10, choices=Label.choices)
    negative = models.FloatField(help_text="Probability of negative.")
    neutral = models.FloatField(help_text="Probability of neutral.")
    positive = models.FloatField(help_text="Probability of positive.")
    score = models.FloatField(help_text="positive - negative, from -1 to 1.")
    confidence = models.FloatField(null=True, blank=True, help_text="Top probability; empty for the stars fallback.")
    source = models.CharField(max_length=10, choices=Source.choices)
    model_version = models.ForeignKey(
        "ml.ModelVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="review_sentiments"
    )
    model_label = models.CharField(max_length=80, help_text='e.g. "sentiment v3", "sentiment baseline (VADER)".')
    aspects = models.JSONField(default=list, blank=True, help_text="Aspect phrases found in the text.")
    flags = models.JSONField(default=list, blank=True, help_text="Moderation flag codes (sentiment.ml.moderation).")
    flag_reasons = models.TextField(blank=True)
    moderation = models.CharField(max_length=10, choices=Moderation.choices, default=Moderation.NONE)
    scored_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["moderation", "-scored_at"], name="sentiment_moderation_idx"),
            models.Index(fields=["label"], name="sentiment_label_idx"),
        ]

    def __str__(self) -> str:
        return f"review {self.review_id}: {self.label}"

    @property
    def probabilities(self) -> dict[str, float]:
        return {"negative": self.negative, "neutral": self.neutral, "positive": self.positive}


class ProductSentiment(models.Model):
    product = models.OneToOneField("shop.Product", on_delete=models.CASCADE, related_name="sentiment_summary")
    positive_count = models.PositiveIntegerField(default=0)
    neutral_count = models.PositiveIntegerField(default=0)
    negative_count = models.PositiveIntegerField(default=0)
    liked = models.JSONField(default=list, blank=True, help_text="[{phrase, mentions, score, review_ids}]")
    disliked = models.JSONField(default=list, blank=True)
    aspects_stale = models.BooleanField(default=True, help_text="Reviews changed since the aspects were computed.")
    counts_at = models.DateTimeField(help_text="When the counts were last refreshed.")
    aspects_at = models.DateTimeField(null=True, blank=True, help_text="When the aspects were last computed.")

    class Meta:
        indexes = [models.Index(fields=["aspects_stale"], name="sentiment_stale_idx")]

    def __str__(self) -> str:
        return f"sentiment of product {self.product_id}"

    @property
    def total(self) -> int:
        return self.positive_count + self.neutral_count + self.negative_count

    def share(self, count: int) -> int:
        return round(100 * count / self.total) if self.total else 0

    @property
    def positive_share(self) -> int:
        return self.share(self.positive_count)

    @property
    def neutral_share(self) -> int:
        return self.share(self.neutral_count)

    @property
    def negative_share(self) -> int:
        return self.share(self.negative_count)
