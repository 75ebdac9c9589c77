"""sentiment's answers to the catalogue's extension points (connected in SentimentConfig.ready)."""

from sentiment.serializers import ReviewSentimentSerializer
from sentiment.services import review_sentiment_on_submit_later


def review_score_after_commit(sender, *, review_id: int, **kwargs) -> None:
    """A review was written or edited: score it once its transaction commits (never fails the write)."""
    review_sentiment_on_submit_later(review_id=review_id)


def review_sentiment_field() -> ReviewSentimentSerializer:
    """The `sentiment` field of each review in the catalogue API."""
    return ReviewSentimentSerializer(
        read_only=True, allow_null=True, help_text="How the text reads (sentiment app); null until it is scored."
    )
