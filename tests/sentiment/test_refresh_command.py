"""`manage.py sentiment_refresh`: scores reviews that were never scored (e.g. the demo store's)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sentiment.models import ProductSentiment, ReviewSentiment
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def test_scores_unscored_reviews_and_counts_them(product):
    for rating, title, body in ((5, "Love it", "Excellent quality."), (1, "Awful", "Broke at once, terrible.")):
        ReviewFactory(product=product, rating=rating, title=title, body=body, user=None, author_name="Sam")
    out = StringIO()

    call_command("sentiment_refresh", "--products", "0", stdout=out)

    assert out.getvalue() == "Scored 2 reviews with baseline (VADER); computed the aspects of 0 products.\n"
    assert sorted(ReviewSentiment.objects.values_list("label", flat=True)) == ["negative", "positive"]
    summary = ProductSentiment.objects.get(product=product)
    assert (summary.positive_count, summary.negative_count, summary.aspects_stale) == (1, 1, True)

    err = StringIO()
    call_command("sentiment_refresh", "--products", "0", stdout=out, stderr=err)
    assert out.getvalue().splitlines()[-1].startswith("Scored 0 reviews")
    assert "[1/2] Scoring reviews with baseline (VADER): done in" in err.getvalue()
    assert "[2/2] Computing product aspects 100%" in err.getvalue()


def test_a_negative_product_limit_is_refused():
    with pytest.raises(CommandError, match=r"--products must be 0 or more\."):
        call_command("sentiment_refresh", "--products", "-1")
