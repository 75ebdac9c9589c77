"""Serializers of the sentiment API (and the `sentiment` field of the catalog's review serializer)."""

from rest_framework import serializers

from sentiment.models import Label, ReviewSentiment

MAX_SCORE_TEXT = 5000


class ProbabilitiesSerializer(serializers.Serializer):
    negative = serializers.FloatField()
    neutral = serializers.FloatField()
    positive = serializers.FloatField()


class ReviewSentimentSerializer(serializers.Serializer):
    """How a review reads; `model` names what scored it ("sentiment v3", "baseline (VADER)", "stars fallback")."""

    label = serializers.ChoiceField(choices=Label.choices)
    probabilities = ProbabilitiesSerializer()
    score = serializers.FloatField(help_text="positive - negative, from -1 to 1.")
    confidence = serializers.FloatField(allow_null=True, help_text="Top probability; null for the stars fallback.")
    source = serializers.ChoiceField(choices=ReviewSentiment.Source.choices)
    model = serializers.CharField(source="model_label")
    aspects = serializers.ListField(child=serializers.CharField(), help_text="Aspect phrases found in the text.")


class AspectSerializer(serializers.Serializer):
    phrase = serializers.CharField()
    mentions = serializers.IntegerField(help_text="Reviews that mention it.")
    score = serializers.FloatField(help_text="Mean sentiment of the sentences that mention it, -1 to 1.")
    review_ids = serializers.ListField(child=serializers.IntegerField())


class ProductSentimentSerializer(serializers.Serializer):
    product_id = serializers.IntegerField()
    reviews = serializers.IntegerField(source="total", help_text="Published, scored reviews.")
    positive = serializers.IntegerField(source="positive_count")
    neutral = serializers.IntegerField(source="neutral_count")
    negative = serializers.IntegerField(source="negative_count")
    positive_share = serializers.IntegerField(help_text="Percent, rounded.")
    neutral_share = serializers.IntegerField()
    negative_share = serializers.IntegerField()
    liked = AspectSerializer(many=True)
    disliked = AspectSerializer(many=True)
    aspects_at = serializers.DateTimeField(allow_null=True, help_text="When the aspects were computed.")


class ScoreRequestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_SCORE_TEXT, help_text="Any text, e.g. a review or a support message.")


class ScoreResponseSerializer(serializers.Serializer):
    label = serializers.ChoiceField(choices=Label.choices)
    probabilities = ProbabilitiesSerializer()
    confidence = serializers.FloatField()
    score = serializers.FloatField()
    model = serializers.CharField(help_text='What scored it, e.g. "sentiment v3" or "baseline (VADER)".')
