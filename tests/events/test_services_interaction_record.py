"""Recording shopper events: free on the request path, validated, never raising."""

import logging
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import RequestFactory
from rest_framework.request import Request

from events.models import DailyVariantStats, Interaction
from events.services import interaction_record, interaction_record_from_request, interactions_flush
from tests.factories import ProductFactory, UserFactory, VariantFactory

AT = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_recording_costs_no_query_and_the_flush_is_one_insert_plus_one_upsert(django_assert_num_queries):
    # given
    variant = VariantFactory(price=Decimal("12.50"))

    # when
    with django_assert_num_queries(0):
        for _ in range(25):
            interaction_record(kind=Interaction.Kind.VIEW, product=variant.product, variant=variant, at=AT)
    with django_assert_num_queries(4) as flush:
        written = interactions_flush()

    # then: one transaction holding one bulk insert and one upsert
    assert [" ".join(query["sql"].split()[:3]) for query in flush.captured_queries] == [
        "BEGIN",
        'INSERT INTO "events_interaction"',
        "INSERT INTO events_dailyvariantstats",
        "COMMIT",
    ]
    assert written == 25
    assert Interaction.objects.filter(kind=Interaction.Kind.VIEW, variant=variant).count() == 25
    assert list(DailyVariantStats.objects.values_list("variant_id", "date", "views", "price")) == [
        (variant.pk, AT.date(), 25, Decimal("12.50"))
    ]


@pytest.mark.django_db
def test_a_recorded_event_keeps_every_field():
    # given
    user = UserFactory()
    variant = VariantFactory()

    # when
    interaction_record(
        kind=Interaction.Kind.ADD_TO_CART,
        user=user,
        session_key="abc123",
        variant=variant,
        quantity=3,
        price=19.99,
        source=Interaction.Source.API,
        at=AT,
    )
    interactions_flush()

    # then: the product comes from the variant and a float price keeps its decimal meaning
    event = Interaction.objects.get()
    assert (event.kind, event.user_id, event.session_key, event.product_id, event.variant_id) == (
        "add_to_cart",
        user.pk,
        "abc123",
        variant.product_id,
        variant.pk,
    )
    assert (event.quantity, event.price, event.source, event.created_at) == (3, Decimal("19.99"), "api", AT)


@pytest.mark.django_db
def test_a_search_keeps_its_query_cut_to_the_column_and_its_result_count():
    # when
    interaction_record(kind=Interaction.Kind.SEARCH, query="  " + "lamp " * 50, result_count=0, at=AT)
    interactions_flush()

    # then
    event = Interaction.objects.get()
    assert (event.query, event.result_count, event.product_id) == ("lamp " * 40, 0, None)
    assert DailyVariantStats.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"kind": "like"}, "unknown kind 'like'"),
        ({"kind": "view", "source": "mobile"}, "unknown source 'mobile'"),
        ({"kind": "view"}, "a product is required"),
        ({"kind": "search", "query": "   "}, "a search needs a query"),
        ({"kind": "view", "product": "7"}, "product id must be a whole number"),
        ({"kind": "view", "product": True}, "product id must be a whole number"),
        ({"kind": "purchase", "product": 7, "quantity": 0}, "quantity must be a whole number from 1"),
        ({"kind": "purchase", "product": 7, "quantity": 2.5}, "quantity must be a whole number from 1"),
        ({"kind": "purchase", "product": 7, "price": "abc"}, "price must be a number"),
        ({"kind": "purchase", "product": 7, "price": -1}, "price must be a number"),
        ({"kind": "purchase", "product": 7, "price": "NaN"}, "price must be a number"),
        ({"kind": "purchase", "product": 7, "price": Decimal("1e12")}, "price must be a number"),
        ({"kind": "search", "query": "lamp", "result_count": -1}, "result_count must be a whole number from 0"),
        ({"kind": "search", "query": 42}, "query must be text"),
        ({"kind": "view", "product": 7, "session_key": "k" * 41}, "session_key is too long"),
        ({"kind": "view", "product": 7, "at": datetime(2026, 3, 10, 12)}, "at must be an aware datetime"),
        ({"kind": "view", "product": 7, "user": "alice"}, "user id must be a whole number"),
    ],
)
@pytest.mark.django_db
def test_an_invalid_event_is_logged_and_dropped_without_raising(fields, reason, caplog):
    # when
    with caplog.at_level(logging.WARNING, logger="events.services"):
        interaction_record(**fields)

    # then
    assert reason in caplog.text
    assert interactions_flush() == 0
    assert Interaction.objects.count() == 0


@pytest.mark.django_db
def test_a_variant_of_another_product_is_dropped(caplog):
    # given
    variant = VariantFactory()
    other_product = ProductFactory()

    # when
    interaction_record(kind=Interaction.Kind.VIEW, product=other_product, variant=variant)

    # then
    assert f"variant {variant.pk} does not belong to product {other_product.pk}" in caplog.text
    assert interactions_flush() == 0
    assert Interaction.objects.count() == 0


@pytest.mark.django_db
def test_recording_from_a_page_request_takes_user_session_and_web_source(client):
    # given
    user = UserFactory()
    client.force_login(user)
    request = RequestFactory().get("/")
    request.user = user
    request.session = client.session
    product = ProductFactory()

    # when
    interaction_record_from_request(request=request, kind=Interaction.Kind.WISHLIST_ADD, product=product)
    interactions_flush()

    # then
    event = Interaction.objects.get()
    assert (event.kind, event.user_id, event.session_key, event.product_id, event.source) == (
        "wishlist_add",
        user.pk,
        client.session.session_key,
        product.pk,
        "web",
    )


@pytest.mark.django_db
def test_recording_from_an_api_request_takes_api_source_and_allows_overrides():
    # given
    user = UserFactory()
    request = Request(RequestFactory().get("/api/v1/products/"))
    request.user = user
    product = ProductFactory()

    # when
    interaction_record_from_request(
        request=request, kind=Interaction.Kind.VIEW, product=product, session_key="from-the-app"
    )
    interactions_flush()

    # then
    event = Interaction.objects.get()
    assert (event.user_id, event.session_key, event.source) == (user.pk, "from-the-app", "api")
