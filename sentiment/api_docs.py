"""OpenAPI documentation of the sentiment API: summaries, descriptions, parameters, responses and
examples, as decorators that `sentiment.api` puts on its views (`@api_docs.<view>_<method>`).
"""

from drf_spectacular.utils import OpenApiExample, extend_schema

from core.api import THROTTLED_RESPONSE, error_example, error_response
from sentiment.inference import ModelUnavailableError
from sentiment.serializers import ProductSentimentSerializer, ScoreRequestSerializer, ScoreResponseSerializer

SUMMARY_EXAMPLE = OpenApiExample(
    "A well-liked pair of headphones",
    response_only=True,
    value={
        "product_id": 42, "reviews": 37, "positive": 29, "neutral": 5, "negative": 3,
        "positive_share": 78, "neutral_share": 14, "negative_share": 8,
        "liked": [{"phrase": "battery life", "mentions": 11, "score": 0.83, "review_ids": [901, 905, 977]}],
        "disliked": [{"phrase": "ear cushions", "mentions": 4, "score": -0.61, "review_ids": [912, 960]}],
        "aspects_at": "2026-11-23T03:10:00Z",
    },
)  # fmt: skip
SCORE_REQUEST_EXAMPLE = OpenApiExample(
    "An unhappy customer", request_only=True, value={"text": "Stopped charging after a week. Really disappointed."}
)
SCORE_RESPONSE_EXAMPLE = OpenApiExample(
    "Scored by the champion",
    response_only=True,
    value={
        "label": "negative", "probabilities": {"negative": 0.93, "neutral": 0.05, "positive": 0.02},
        "confidence": 0.93, "score": -0.91, "model": "sentiment v3",
    },
)  # fmt: skip
NOT_FOUND = error_response(
    "No active product has this id.", error_example("Unknown product", code="not_found", message="Not found.")
)

# --- ProductSentimentView ---------------------------------------------------------------------------

product_sentiment_get = extend_schema(
    summary="A product's review sentiment and aspects",
    description=(
        "Counts and shares of positive, neutral and negative published reviews, and the aspects buyers "
        "like and dislike (phrases from the reviews, with the ids of the reviews mentioning them). "
        "A product without scored reviews has zero counts and no aspects."
    ),
    responses={200: ProductSentimentSerializer, 404: NOT_FOUND, 429: THROTTLED_RESPONSE},
    examples=[SUMMARY_EXAMPLE],
    tags=["sentiment"],
)

# --- ScoreView --------------------------------------------------------------------------------------

score_post = extend_schema(
    summary="Score any text (staff)",
    description="The sentiment of a text by the model that scores reviews now (the champion, or the baseline).",
    request=ScoreRequestSerializer,
    responses={
        200: ScoreResponseSerializer,
        400: error_response(
            "Missing, blank or too long text.",
            error_example(
                "Blank text",
                code="invalid",
                message="The request has invalid fields.",
                details={"text": ["This field may not be blank."]},
            ),
        ),
        403: error_response(
            "Not staff.",
            error_example(
                "Not staff", code="permission_denied", message="You do not have permission to perform this action."
            ),
        ),
        503: error_response(
            "No model can score text right now.",
            error_example("No model", code="model_unavailable", message=ModelUnavailableError().message),
        ),
    },
    examples=[SCORE_REQUEST_EXAMPLE, SCORE_RESPONSE_EXAMPLE],
    tags=["sentiment"],
)
