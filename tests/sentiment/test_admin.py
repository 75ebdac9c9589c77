"""Back office: sentiment on every review, the moderation queue with actions, sentiment over time."""

import pytest
from django.urls import reverse

from sentiment import services
from sentiment.models import ReviewSentiment
from shop.models import Review
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def scored(product):
    body = "It broke after a day, awful waste of money."
    angry = ReviewFactory(product=product, rating=5, title="Terrible", body=body)
    fine = ReviewFactory(product=product, rating=4, title="Love it!", body="Excellent quality and a great price.")
    services.reviews_score(reviews=[angry, fine])
    return angry, fine


def test_the_review_admin_shows_sentiment_and_confidence(staff_client, scored):
    html = staff_client.get(reverse("admin:shop_review_changelist"), {"sentiment__label": "negative"}).content.decode()
    assert "Terrible" in html
    assert "Love it!" not in html


def test_the_moderation_queue_lists_flagged_reviews_and_clears_them(staff_client, scored):
    angry, _fine = scored
    url = reverse("admin:sentiment_reviewsentiment_changelist")
    html = staff_client.get(url, {"moderation__exact": "open"}).content.decode()
    assert "stars_contradiction" in html
    assert "Love it!" not in html

    row = ReviewSentiment.objects.get(review=angry)
    response = staff_client.post(url, {"action": "hide_reviews", "_selected_action": [row.pk]})

    assert response.status_code == 302
    assert Review.objects.get(pk=angry.pk).status == Review.Status.HIDDEN
    assert ReviewSentiment.objects.get(pk=row.pk).moderation == "cleared"


def test_sentiment_over_time_aggregates_by_month(staff_client, product, scored):
    html = staff_client.get(
        reverse("admin:sentiment_reviewsentiment_over_time"), {"product": product.pk}
    ).content.decode()
    assert '<table id="sentiment-months">' in html
    assert "<td>2</td><td>1</td><td>0</td><td>1</td>" in html  # reviews, positive, neutral, negative


def test_staff_without_review_rights_cannot_see_the_page(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:sentiment_reviewsentiment_over_time")).status_code == 403
