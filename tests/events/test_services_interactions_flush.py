"""When the buffer is written, and that a failing write never reaches the shopper."""

import logging

import pytest

from events.models import DailyVariantStats, Interaction
from events.services import interaction_record, interactions_flush
from tests.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.urls("tests.events.urls")


@pytest.mark.django_db(transaction=True)
def test_a_failing_flush_after_a_request_is_logged_and_the_page_still_answers(client, settings, caplog):
    # given: a buffered view of a product that is deleted before the flush
    settings.INTERACTION_BUFFER_SIZE = 2
    doomed = ProductFactory()
    interaction_record(kind=Interaction.Kind.VIEW, product=doomed)
    doomed.delete()
    kept = VariantFactory()

    # when: the second event fills the buffer and the flush runs after the response
    with caplog.at_level(logging.ERROR, logger="events.services"):
        response = client.get(f"/record/{kept.product_id}/")

    # then: the whole batch is dropped in one rolled-back transaction
    assert response.status_code == 200
    assert "Interaction flush failed; dropped 2 events" in caplog.text
    assert Interaction.objects.count() == 0
    assert DailyVariantStats.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_buffer_is_written_after_the_request_that_fills_it(client, settings):
    # given
    settings.INTERACTION_BUFFER_SIZE = 3
    settings.INTERACTION_FLUSH_SECONDS = 3600
    variant = VariantFactory()
    url = f"/record/{variant.product_id}/"

    # when
    client.get(url)
    client.get(url)
    written_before_threshold = Interaction.objects.count()
    client.get(url)

    # then
    assert written_before_threshold == 0
    assert Interaction.objects.filter(product=variant.product, source="web").count() == 3
    assert DailyVariantStats.objects.get(variant=variant).views == 3
    assert interactions_flush() == 0


@pytest.mark.django_db(transaction=True)
def test_the_buffer_is_written_after_a_request_once_its_oldest_event_is_old_enough(client, settings):
    # given
    settings.INTERACTION_BUFFER_SIZE = 1000
    settings.INTERACTION_FLUSH_SECONDS = 0
    product = ProductFactory()

    # when
    response = client.get(f"/record/{product.pk}/")

    # then
    assert response.status_code == 200
    assert Interaction.objects.filter(product=product).count() == 1


@pytest.mark.django_db
def test_an_empty_buffer_flushes_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert interactions_flush() == 0
