"""The header's cart count kept in the cache (`selectors.cart_count_cached`): every cart write
forgets it, so the count a page shows is right after adding, updating, removing, saving for later,
merging at login and placing an order."""

import pytest

from checkout import selectors, services
from tests.checkout.test_services_order_place import place
from tests.factories import CartFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _counts_cached(settings):
    settings.PAGE_CACHE_SECONDS = 30  # the count lives as long as a cached page


def shown(*, user=None, session_key=None) -> int:
    return selectors.cart_count_cached(user=user, session_key=session_key)


def test_the_count_is_read_once_then_served_from_the_cache(django_assert_num_queries):
    cart = CartFactory(session_key="guest")
    services.cart_line_add(cart=cart, variant_id=VariantFactory(stock_quantity=9).pk, quantity=2)

    with django_assert_num_queries(1):
        assert shown(session_key="guest") == 2
    with django_assert_num_queries(0):
        assert shown(session_key="guest") == 2


def test_the_count_follows_add_update_save_for_later_and_remove():
    user = UserFactory()
    cart = services.cart_get_or_create(user=user)
    mug, cup = VariantFactory(stock_quantity=9), VariantFactory(stock_quantity=9)
    assert shown(user=user) == 0

    services.cart_line_add(cart=cart, variant_id=mug.pk, quantity=2)
    assert shown(user=user) == 2
    line = services.cart_line_add(cart=cart, variant_id=cup.pk, quantity=1)
    assert shown(user=user) == 3
    services.cart_line_update(cart=cart, line_id=line.pk, quantity=4)
    assert shown(user=user) == 6
    services.cart_line_save_for_later(cart=cart, line_id=line.pk, saved=True)
    assert shown(user=user) == 2
    services.cart_line_save_for_later(cart=cart, line_id=line.pk, saved=False)
    assert shown(user=user) == 6
    services.cart_line_remove(cart=cart, line_id=line.pk)
    assert shown(user=user) == 2


def test_two_shoppers_counts_stay_apart():
    ana, ben = UserFactory(), UserFactory()
    variant = VariantFactory(stock_quantity=9)
    services.cart_line_add(cart=services.cart_get_or_create(user=ana), variant_id=variant.pk, quantity=3)
    assert (shown(user=ana), shown(user=ben)) == (3, 0)

    services.cart_line_add(cart=services.cart_get_or_create(user=ben), variant_id=variant.pk, quantity=1)

    assert (shown(user=ana), shown(user=ben)) == (3, 1)


def test_merging_at_login_moves_the_count_from_the_guest_to_the_customer():
    user = UserFactory()
    guest = services.cart_get_or_create(session_key="guest")
    services.cart_line_add(cart=guest, variant_id=VariantFactory(stock_quantity=9).pk, quantity=2)
    assert (shown(session_key="guest"), shown(user=user)) == (2, 0)

    services.cart_merge(session_key="guest", user=user)

    assert (shown(session_key="guest"), shown(user=user)) == (0, 2)


def test_placing_an_order_empties_the_count(standard):
    user = UserFactory()
    cart = services.cart_get_or_create(user=user)
    services.cart_line_add(cart=cart, variant_id=VariantFactory(stock_quantity=9).pk, quantity=2)
    assert shown(user=user) == 2

    place(cart, standard, user=user)

    assert shown(user=user) == 0


def test_closing_the_account_forgets_the_count():
    user = UserFactory()
    services.cart_line_add(
        cart=services.cart_get_or_create(user=user), variant_id=VariantFactory(stock_quantity=9).pk, quantity=1
    )
    assert shown(user=user) == 1

    services.cart_delete(user=user)

    assert shown(user=user) == 0
