"""The recommendation API: the requester's own lists only, validated parameters, feedback beacons."""

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.models import Interaction
from ml.models import ModelVersion
from recommendations.models import RecommendationEvent, RecommendationList
from recommendations.selectors import published_list
from tests.factories import UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def own_list(store, user) -> list[int]:
    return published_list(version_id=store.version_id, kind=RecommendationList.Kind.FOR_USER, key=user.pk)[0]


def test_for_you_is_always_the_requesters_own_list(store):
    # given
    ann, bob = store.users[0], store.users[1]

    # when: Bob tries to name Ann in every way a client might
    response = client_for(bob).get("/api/v1/recommendations/for-you/", {"limit": 4, "user": ann.pk, "user_id": ann.pk})

    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["block"], body["model_version"], body["personalised"]) == ("for_you", store.version_id, True)
    ids = [item["id"] for item in body["results"]]
    assert ids == [pk for pk in own_list(store, bob) if pk in ids]
    assert ids != [pk for pk in own_list(store, ann) if pk in ids]
    assert all(item["reason"].startswith("Because you ") for item in body["results"])


def test_anonymous_for_you_uses_the_viewed_ids_and_is_not_personalised(store):
    # given
    viewed = store.products[5]

    # when
    body = client_for().get("/api/v1/recommendations/for-you/", {"limit": 3, "viewed": f"{viewed.pk}"}).json()

    # then
    assert body["personalised"] is False
    assert [item["reason"] for item in body["results"]] == [f"Because you viewed {viewed.name}"] * 3
    assert [item["reason_product_id"] for item in body["results"]] == [viewed.pk] * 3


def test_similar_and_bought_together_name_the_page_product_and_carry_the_version(store):
    # given
    product = store.products[0]
    VariantFactory(product=store.products[1])

    # when
    similar = client_for().get(f"/api/v1/products/{product.pk}/similar/", {"limit": 2}).json()
    together = client_for().get(f"/api/v1/products/{product.pk}/bought-together/", {"limit": 2}).json()

    # then
    assert [item["reason"] for item in similar["results"]] == [f"Similar to {product.name}"] * 2
    assert similar["model_version"] == together["model_version"] == store.version_id
    assert together["results"][0]["reason"] == f"Often bought with {product.name}"
    assert sorted(similar["results"][0]) == sorted(
        [
            "id",
            "name",
            "slug",
            "url",
            "brand",
            "category",
            "price",
            "image",
            "variant_id",
            "reason",
            "reason_code",
            "reason_product_id",
        ]
    )


def test_trending_with_a_category_filter(store):
    # when
    body = client_for().get("/api/v1/recommendations/trending/", {"category": store.categories[2].slug}).json()

    # then
    assert len(body["results"]) == 10  # the default limit
    assert {item["category"] for item in body["results"]} == {"Audio"}


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("/api/v1/recommendations/for-you/", {"limit": 0}, "limit"),
        ("/api/v1/recommendations/for-you/", {"limit": 51}, "limit"),
        ("/api/v1/recommendations/for-you/", {"viewed": "1,x"}, "viewed"),
        ("/api/v1/recommendations/trending/", {"category": "no-such-category"}, "category"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(url, params, field):
    # when
    response = client_for().get(url, params)

    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert list(response.json()["error"]["details"]) == [field]


def test_an_unknown_product_is_a_404():
    # when
    response = client_for().get("/api/v1/products/987654/similar/")

    # then
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_beacon_records_one_row_per_product_for_the_signed_in_user(store):
    # given
    user = UserFactory()
    client = APIClient()
    client.force_login(user)
    payload = {
        "kind": "impression",
        "block": "similar",
        "model_version": store.version_id,
        "product_ids": [store.products[0].pk, store.products[1].pk],
        "positions": [0, 1],
    }

    # when
    response = client.post("/api/v1/recommendations/events/", payload, format="json")

    # then
    assert response.status_code == 204
    rows = list(
        RecommendationEvent.objects.order_by("position").values_list(
            "kind", "block", "position", "product_id", "model_version_id", "user_id"
        )
    )
    assert rows == [
        ("impression", "similar", 0, store.products[0].pk, store.version_id, user.pk),
        ("impression", "similar", 1, store.products[1].pk, store.version_id, user.pk),
    ]
    assert RecommendationEvent.objects.first().model_version == ModelVersion.objects.get(pk=store.version_id)


def test_a_beacon_naming_no_model_version_is_a_400_and_writes_nothing():
    # given: the version's row is gone (or the id was never one)
    product = VariantFactory().product

    # when
    response = client_for().post(
        "/api/v1/recommendations/events/",
        {"kind": "click", "block": "similar", "model_version": 987654, "product_ids": [product.pk], "positions": [0]},
        format="json",
    )

    # then
    assert response.status_code == 400
    assert (response.json()["error"]["code"], sorted(response.json()["error"]["details"])) == (
        "invalid",
        ["model_version"],
    )
    assert RecommendationEvent.objects.count() == 0


def test_a_malformed_beacon_is_a_400_and_writes_nothing():
    # when
    response = client_for().post(
        "/api/v1/recommendations/events/",
        {"kind": "click", "block": "nowhere", "product_ids": [1, 2], "positions": [0]},
        format="json",
    )

    # then
    assert response.status_code == 400
    assert sorted(response.json()["error"]["details"]) == ["block"]
    assert RecommendationEvent.objects.count() == 0


def test_a_cached_answer_is_not_served_after_the_user_does_something(store):
    # given: a new customer's first answer (the cold-start chain) is cached
    user = UserFactory()
    client = client_for(user)
    first = client.get("/api/v1/recommendations/for-you/", {"limit": 3}).json()
    viewed = store.products[0]
    Interaction.objects.create(kind="view", user=user, product=viewed, created_at=timezone.now())

    # when
    second = client.get("/api/v1/recommendations/for-you/", {"limit": 3}).json()

    # then
    assert first["personalised"] is False
    assert second["personalised"] is True
    assert {item["reason"] for item in second["results"]} == {f"Because you viewed {viewed.name}"}
