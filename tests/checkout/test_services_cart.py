"""Cart services: adding, updating, removing and saving lines with stock checks, prices as seen, and
merging a guest's cart into the customer's at login."""

from decimal import Decimal

import pytest

from checkout import selectors, services
from checkout.models import Cart, CartLine
from core.errors import ApplicationError, NotFoundError
from events.models import Interaction
from events.services import interactions_flush
from shop.models import Variant
from tests.factories import CartFactory, CartLineFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


def lines_of(cart) -> list[tuple]:
    return list(cart.lines.order_by("id").values_list("variant_id", "quantity", "saved_for_later", "price_when_added"))


def test_a_guest_cart_is_keyed_by_session_and_a_customer_cart_by_user():
    user = UserFactory()

    guest = services.cart_get_or_create(session_key="abc")
    customer = services.cart_get_or_create(user=user, session_key="abc")

    assert (guest.session_key, guest.user) == ("abc", None)
    assert (customer.session_key, customer.user) == (None, user)
    assert services.cart_get_or_create(session_key="abc") == guest
    assert selectors.cart_get(user=user, session_key="abc") == customer
    with pytest.raises(ApplicationError):
        services.cart_get_or_create(session_key=None)


def test_adding_remembers_the_price_and_adds_up_within_stock():
    cart = CartFactory()
    variant = VariantFactory(price=Decimal("12.50"), stock_quantity=3)

    services.cart_line_add(cart=cart, variant_id=variant.pk, quantity=2)
    with pytest.raises(ApplicationError) as raised:
        services.cart_line_add(cart=cart, variant_id=variant.pk, quantity=2)

    assert (raised.value.code, raised.value.message) == ("insufficient_stock", "Only 3 left.")
    assert lines_of(cart) == [(variant.pk, 2, False, Decimal("12.50"))]


@pytest.mark.parametrize("quantity", [0, -1, 100, True, "2", 2.0])
def test_quantities_must_be_whole_numbers_from_1_to_99(quantity):
    cart = CartFactory()
    variant = VariantFactory(stock_quantity=500)

    with pytest.raises(ApplicationError) as raised:
        services.cart_line_add(cart=cart, variant_id=variant.pk, quantity=quantity)

    assert raised.value.details == {"quantity": ["Enter a quantity from 1 to 99."]}
    assert lines_of(cart) == []


def test_a_line_holds_at_most_99_even_with_more_stock():
    cart = CartFactory()
    variant = VariantFactory(stock_quantity=500)
    services.cart_line_add(cart=cart, variant_id=variant.pk, quantity=60)

    with pytest.raises(ApplicationError) as raised:
        services.cart_line_add(cart=cart, variant_id=variant.pk, quantity=40)

    assert raised.value.code == "quantity_too_large"
    assert lines_of(cart)[0][1] == 60


def test_out_of_stock_inactive_and_unknown_variants_cannot_be_added():
    cart = CartFactory()
    sold_out = VariantFactory(stock_quantity=0)
    inactive = VariantFactory(is_active=False)
    withdrawn = VariantFactory(product__is_active=False)

    with pytest.raises(ApplicationError) as raised:
        services.cart_line_add(cart=cart, variant_id=sold_out.pk, quantity=1)
    assert raised.value.code == "out_of_stock"
    for variant_id in (inactive.pk, withdrawn.pk, 10**12):
        with pytest.raises(NotFoundError):
            services.cart_line_add(cart=cart, variant_id=variant_id, quantity=1)
    assert lines_of(cart) == []


def test_a_cart_holds_at_most_50_different_items():
    cart = CartFactory()
    for _ in range(50):
        CartLineFactory(cart=cart)

    with pytest.raises(ApplicationError) as raised:
        services.cart_line_add(cart=cart, variant_id=VariantFactory().pk, quantity=1)

    assert raised.value.code == "cart_full"
    assert cart.lines.count() == 50


def test_update_checks_stock_and_lines_of_other_carts_are_not_found():
    line = CartLineFactory(variant__stock_quantity=4, quantity=1)
    other = CartLineFactory()

    services.cart_line_update(cart=line.cart, line_id=line.pk, quantity=4)
    with pytest.raises(ApplicationError) as raised:
        services.cart_line_update(cart=line.cart, line_id=line.pk, quantity=5)
    assert raised.value.message == "Only 4 left."
    for action in (
        lambda: services.cart_line_update(cart=line.cart, line_id=other.pk, quantity=1),
        lambda: services.cart_line_remove(cart=line.cart, line_id=other.pk),
        lambda: services.cart_line_save_for_later(cart=line.cart, line_id=other.pk, saved=True),
    ):
        with pytest.raises(NotFoundError):
            action()

    assert CartLine.objects.get(pk=line.pk).quantity == 4
    assert CartLine.objects.filter(pk=other.pk).exists()


def test_save_for_later_and_move_back_at_the_current_price_within_stock():
    line = CartLineFactory(variant__price=Decimal("10.00"), variant__stock_quantity=9, quantity=5)
    cart = line.cart

    services.cart_line_save_for_later(cart=cart, line_id=line.pk, saved=True)
    assert selectors.cart_count(session_key=cart.session_key) == 0
    Variant.objects.filter(pk=line.variant_id).update(price=Decimal("11.00"), stock_quantity=3)
    moved = services.cart_line_save_for_later(cart=cart, line_id=line.pk, saved=False)

    assert lines_of(cart) == [(line.variant_id, 3, False, Decimal("11.00"))]
    assert moved.quantity == 3
    assert selectors.cart_count(session_key=cart.session_key) == 3


def test_an_out_of_stock_saved_line_cannot_move_back():
    line = CartLineFactory(saved_for_later=True, variant__stock_quantity=0)

    with pytest.raises(ApplicationError) as raised:
        services.cart_line_save_for_later(cart=line.cart, line_id=line.pk, saved=False)

    assert raised.value.code == "out_of_stock"
    assert CartLine.objects.get(pk=line.pk).saved_for_later is True


def test_cart_detail_shows_current_prices_changes_stock_and_withdrawn_items():
    cart = CartFactory()
    changed = CartLineFactory(cart=cart, variant__price=Decimal("10.00"), quantity=2)
    short = CartLineFactory(cart=cart, variant__price=Decimal("5.00"), variant__stock_quantity=1, quantity=3)
    withdrawn = CartLineFactory(cart=cart, variant__price=Decimal("7.00"))
    saved = CartLineFactory(cart=cart, saved_for_later=True)
    Variant.objects.filter(pk=changed.variant_id).update(price=Decimal("12.00"))
    Variant.objects.filter(pk=withdrawn.variant_id).update(is_active=False)

    detail = selectors.cart_detail(cart=cart)

    assert [line.pk for line in detail.lines] == [changed.pk, short.pk, withdrawn.pk]
    assert [line.pk for line in detail.saved] == [saved.pk]
    assert [line.pk for line in detail.buyable] == [changed.pk, short.pk]
    assert [(line.price_changed, line.exceeds_stock, line.is_available) for line in detail.lines] == [
        (True, False, True),
        (False, True, True),
        (False, False, False),
    ]
    assert (detail.item_count, detail.subtotal, detail.needs_attention) == (5, Decimal("39.00"), True)
    assert selectors.cart_count(session_key=cart.session_key) == 5


def test_cart_count_is_one_query_and_none_without_a_session(django_assert_num_queries):
    line = CartLineFactory(quantity=2)
    customer = CartLineFactory(cart=CartFactory(user=UserFactory(), session_key=None), quantity=4)

    with django_assert_num_queries(0):
        assert selectors.cart_count(session_key=None) == 0
    with django_assert_num_queries(1):
        assert selectors.cart_count(session_key=line.cart.session_key) == 2
    with django_assert_num_queries(1):
        assert selectors.cart_count(user=customer.cart.user, session_key="ignored") == 4


# --- Merge at login ------------------------------------------------------------------------------------


def test_merge_moves_the_guest_cart_into_a_new_customer_cart():
    user = UserFactory()
    guest_line = CartLineFactory(cart__session_key="guest", quantity=2)

    services.cart_merge(session_key="guest", user=user)

    customer = Cart.objects.get(user=user)
    assert lines_of(customer) == [(guest_line.variant_id, 2, False, guest_line.price_when_added)]
    assert not Cart.objects.filter(session_key="guest").exists()


def test_merge_sums_quantities_capped_by_stock_and_99_and_keeps_the_customers_own():
    user = UserFactory()
    customer = CartFactory(user=user, session_key=None)
    guest = CartFactory(session_key="guest")
    capped_by_stock = VariantFactory(stock_quantity=5)
    capped_by_99 = VariantFactory(stock_quantity=500)
    sold_out = VariantFactory(stock_quantity=0)
    saved = VariantFactory(stock_quantity=50)
    only_guest = VariantFactory(stock_quantity=50)
    for variant, mine, theirs in [(capped_by_stock, 3, 4), (capped_by_99, 60, 60), (sold_out, 2, 1), (saved, 1, 1)]:
        CartLineFactory(cart=customer, variant=variant, quantity=mine, saved_for_later=variant == saved)
        CartLineFactory(cart=guest, variant=variant, quantity=theirs)
    CartLineFactory(cart=guest, variant=only_guest, quantity=7, saved_for_later=True)

    services.cart_merge(session_key="guest", user=user)

    merged = {variant_id: (quantity, saved_) for variant_id, quantity, saved_, _price in lines_of(customer)}
    assert merged == {
        capped_by_stock.pk: (5, False),
        capped_by_99.pk: (99, False),
        sold_out.pk: (2, False),
        saved.pk: (2, False),
        only_guest.pk: (7, True),
    }
    assert list(Cart.objects.values_list("pk", flat=True)) == [customer.pk]


def test_merge_without_a_guest_cart_changes_nothing():
    user = UserFactory()
    line = CartLineFactory(cart=CartFactory(user=user, session_key=None), quantity=2)

    services.cart_merge(session_key="no-such-session", user=user)

    assert lines_of(line.cart) == [(line.variant_id, 2, False, line.price_when_added)]


# --- Events -----------------------------------------------------------------------------------------


def test_cart_changes_are_recorded_once_committed_as_done_by_the_cart_owner(django_capture_on_commit_callbacks):
    user = UserFactory()
    cart = CartFactory(user=user, session_key=None)
    variant = VariantFactory(price=Decimal("12.50"), stock_quantity=10)

    with django_capture_on_commit_callbacks(execute=True):
        line = services.cart_line_add(cart=cart, variant_id=variant.pk, quantity=2)
        services.cart_line_update(cart=cart, line_id=line.pk, quantity=1)
    interactions_flush()

    assert list(
        Interaction.objects.order_by("id").values_list("kind", "user_id", "variant_id", "quantity", "price")
    ) == [
        ("add_to_cart", user.pk, variant.pk, 2, Decimal("12.50")),
        ("remove_from_cart", user.pk, variant.pk, 1, Decimal("12.50")),
    ]


def test_a_refused_cart_change_records_nothing(django_capture_on_commit_callbacks):
    cart = CartFactory()
    variant = VariantFactory(stock_quantity=1)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ApplicationError):
        services.cart_line_add(cart=cart, variant_id=variant.pk, quantity=2)

    assert interactions_flush() == 0
