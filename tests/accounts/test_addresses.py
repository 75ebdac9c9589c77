"""The address book: services with one default of each kind, the pages, the API, other customers'
addresses (404), bad input (400, nothing written), postal codes per country, and order snapshots."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts import selectors, services
from accounts.forms import AddressForm
from accounts.models import Address
from core.errors import ApplicationError, NotFoundError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOME = {
    "full_name": "Ana Silva",
    "line1": "12 Harbour Street",
    "line2": "Flat 3",
    "city": "Bristol",
    "region": "",
    "postal_code": "bs1 4rn",
    "country": "GB",
    "phone": "+44 117 496 0000",
}
WORK = {**HOME, "line1": "1 Office Park", "line2": "", "postal_code": "BS2 0JA", "phone": ""}


def defaults(user) -> list[tuple[str, bool, bool]]:
    return [(a.line1, a.is_default_shipping, a.is_default_billing) for a in Address.objects.filter(user=user)]


@pytest.fixture
def other():
    return UserFactory(username="bo@example.com", email="bo@example.com")


# --- Services ------------------------------------------------------------------------------------


def test_the_first_address_becomes_both_defaults_and_its_postal_code_is_normalised(customer):
    address = services.address_create(user=customer, **HOME)

    assert (address.postal_code, address.is_default_shipping, address.is_default_billing) == ("BS1 4RN", True, True)


def test_a_new_default_moves_the_default_of_that_kind_only(customer):
    services.address_create(user=customer, **HOME)

    services.address_create(user=customer, **WORK, is_default_shipping=True)

    assert sorted(defaults(customer)) == [("1 Office Park", True, False), ("12 Harbour Street", False, True)]


def test_setting_a_default_moves_it_and_a_bad_kind_is_refused(customer):
    services.address_create(user=customer, **HOME)
    work = services.address_create(user=customer, **WORK)

    services.address_default_set(address=work, kind="billing")
    with pytest.raises(ApplicationError) as error:
        services.address_default_set(address=work, kind="gift")

    assert error.value.details == {"kind": ['Choose "shipping" or "billing".']}
    assert sorted(defaults(customer)) == [("1 Office Park", False, True), ("12 Harbour Street", True, False)]


def test_the_database_allows_one_default_of_each_kind_per_customer(customer, other):
    services.address_create(user=customer, **HOME)
    services.address_create(user=other, **HOME)  # another customer's default is no conflict

    with pytest.raises(IntegrityError, match="address_one_default_shipping"):
        Address.objects.create(user=customer, **WORK, is_default_shipping=True)


def test_updating_changes_only_the_given_fields(customer):
    address = services.address_create(user=customer, **HOME)

    services.address_update(address=address, city="Bath", postal_code="ba1 1aa")

    address.refresh_from_db()
    assert (address.city, address.postal_code, address.line1, address.is_default_shipping) == (
        "Bath",
        "BA1 1AA",
        "12 Harbour Street",
        True,
    )


def test_an_invalid_update_writes_nothing(customer):
    address = services.address_create(user=customer, **HOME)

    with pytest.raises(ValidationError) as error:
        services.address_update(address=Address.objects.get(pk=address.pk), country="US")

    assert error.value.message_dict == {"postal_code": ["Enter a valid postal code for this country."]}

    address.refresh_from_db()
    assert address.country.code == "GB"


def test_another_customers_address_is_not_found(customer, other):
    address = services.address_create(user=other, **HOME)

    with pytest.raises(NotFoundError):
        selectors.address_get(user=customer, address_id=address.pk)


@pytest.mark.parametrize(
    ("country", "postal_code", "valid"),
    [
        ("GB", "SW1A 1AA", True),
        ("GB", "sw1a1aa", True),
        ("GB", "12345", False),
        ("US", "94103", True),
        ("US", "94103-1234", True),
        ("US", "9410", False),
        ("DE", "10115", True),
        ("DE", "1011", False),
        ("NL", "1012 AB", True),
        ("CA", "K1A 0B1", True),
        ("PT", "1000-001", True),
        ("FR", "", False),
        ("IE", "", True),
        ("HK", "", True),
        ("BR", "01310-100", True),  # generic shape
        ("BR", "#!", False),
    ],
)
def test_postal_codes_are_checked_loosely_per_country(country, postal_code, valid):
    form = AddressForm(data={**HOME, "country": country, "postal_code": postal_code})

    assert form.is_valid() is valid
    if not valid:
        assert list(form.errors) == ["postal_code"]


def test_address_form_serves_a_guest_and_the_snapshot_is_what_orders_store():
    form = AddressForm(data=HOME, prefix="shipping")
    assert not form.is_valid()  # the data lacks the prefix

    form = AddressForm(data={f"shipping-{k}": v for k, v in HOME.items()}, prefix="shipping")
    assert form.is_valid(), form.errors
    snapshot = services.address_snapshot(address=form.save(commit=False))

    assert snapshot == {
        "full_name": "Ana Silva",
        "line1": "12 Harbour Street",
        "line2": "Flat 3",
        "city": "Bristol",
        "region": "",
        "postal_code": "BS1 4RN",
        "country": "GB",
        "country_name": "United Kingdom",
        "phone": "+44 117 496 0000",
    }
    assert not Address.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"full_name": ""}, "full_name"),
        ({"line1": "x" * 101}, "line1"),
        ({"city": ""}, "city"),
        ({"country": "XX"}, "country"),
        ({"country": ""}, "country"),
        ({"phone": "call me maybe"}, "phone"),
    ],
)
def test_address_form_reports_missing_long_and_invalid_fields(changes, field):
    form = AddressForm(data={**HOME, **changes})

    assert not form.is_valid()
    assert list(form.errors) == [field]


# --- Pages ---------------------------------------------------------------------------------------


def test_the_address_book_lists_the_defaults_first(client, customer):
    services.address_create(user=customer, **HOME)
    services.address_create(user=customer, **WORK)
    client.force_login(customer)

    html = client.get("/account/addresses/").content.decode()

    assert html.index("12 Harbour Street") < html.index("1 Office Park")
    assert html.count('data-testid="address"') == 2
    assert html.count("Default shipping") == 1


def test_adding_editing_defaulting_and_deleting_through_the_pages(client, customer):
    client.force_login(customer)

    added = client.post("/account/addresses/add/", HOME, follow=True)
    home = Address.objects.get()
    edited = client.post(f"/account/addresses/{home.pk}/edit/", {**HOME, "city": "Bath", "is_default_shipping": "on"})
    client.post("/account/addresses/add/", WORK)
    work = Address.objects.get(line1="1 Office Park")
    defaulted = client.post(f"/account/addresses/{work.pk}/default/", {"kind": "shipping"}, follow=True)
    confirm = client.get(f"/account/addresses/{home.pk}/delete/")
    deleted = client.post(f"/account/addresses/{home.pk}/delete/")

    assert added.redirect_chain == [("/account/addresses/", 302)]
    assert "Address added." in added.content.decode()
    assert edited["Location"] == "/account/addresses/"
    assert "Default shipping address changed." in defaulted.content.decode()
    assert confirm.status_code == 200
    assert deleted["Location"] == "/account/addresses/"
    assert defaults(customer) == [("1 Office Park", True, False)]


def test_an_invalid_address_shows_the_form_again_and_writes_nothing(client, customer):
    client.force_login(customer)

    response = client.post("/account/addresses/add/", {**HOME, "postal_code": "not a code!"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"postal_code": ["Enter a valid postal code for this country."]}
    assert not Address.objects.exists()


def test_pages_of_another_customers_address_are_404s(client, customer, other):
    address = services.address_create(user=other, **HOME)
    client.force_login(customer)

    assert client.get(f"/account/addresses/{address.pk}/edit/").status_code == 404
    assert client.post(f"/account/addresses/{address.pk}/edit/", WORK).status_code == 404
    assert client.post(f"/account/addresses/{address.pk}/delete/").status_code == 404
    assert client.post(f"/account/addresses/{address.pk}/default/", {"kind": "billing"}).status_code == 404
    address.refresh_from_db()
    assert (address.line1, address.is_default_billing) == ("12 Harbour Street", True)


def test_the_address_pages_need_a_signed_in_customer(client):
    assert client.get("/account/addresses/")["Location"] == "/account/login/?next=/account/addresses/"


# --- API -----------------------------------------------------------------------------------------


def test_api_create_list_patch_and_delete(api, customer):
    api.force_authenticate(customer)

    created = api.post("/api/v1/addresses/", HOME, format="json")
    second = api.post("/api/v1/addresses/", {**WORK, "is_default_billing": True}, format="json")
    listed = api.get("/api/v1/addresses/")
    patched = api.patch(f"/api/v1/addresses/{created.json()['id']}/", {"city": "Bath"}, format="json")
    deleted = api.delete(f"/api/v1/addresses/{second.json()['id']}/")

    assert created.status_code == 201
    body = created.json()
    assert {k: body[k] for k in (*HOME, "is_default_shipping", "is_default_billing")} == {
        **HOME,
        "postal_code": "BS1 4RN",
        "is_default_shipping": True,
        "is_default_billing": True,
    }
    assert second.json()["is_default_billing"] is True
    assert listed.json()["count"] == 2
    assert [a["line1"] for a in listed.json()["results"]] == ["12 Harbour Street", "1 Office Park"]
    assert patched.status_code == 200
    assert (patched.json()["city"], patched.json()["is_default_billing"]) == ("Bath", False)
    assert deleted.status_code == 204
    assert defaults(customer) == [("12 Harbour Street", True, False)]


def test_api_put_replaces_the_address(api, customer):
    address = services.address_create(user=customer, **HOME)
    api.force_authenticate(customer)

    response = api.put(f"/api/v1/addresses/{address.pk}/", {**WORK, "country": "US", "postal_code": "94103"})

    assert response.status_code == 200
    address.refresh_from_db()
    assert (address.line1, address.country.code, address.postal_code, address.phone) == (
        "1 Office Park",
        "US",
        "94103",
        "",
    )


def test_api_another_customers_address_is_a_404_and_untouched(api, customer, other):
    address = services.address_create(user=other, **HOME)
    api.force_authenticate(customer)
    url = f"/api/v1/addresses/{address.pk}/"

    responses = [api.get(url), api.patch(url, {"city": "Bath"}, format="json"), api.put(url, WORK), api.delete(url)]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert responses[0].json() == {"error": {"code": "address_not_found", "message": "No such address.", "details": {}}}
    assert api.get("/api/v1/addresses/").json()["count"] == 0
    address.refresh_from_db()
    assert address.city == "Bristol"


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({}, {f: ["This field is required."] for f in ("full_name", "line1", "city", "country")}),
        ({**HOME, "country": "XX"}, {"country": ['"XX" is not a valid choice.']}),
        ({**HOME, "postal_code": "99999"}, {"postal_code": ["Enter a valid postal code for this country."]}),
        ({**HOME, "line1": "x" * 101}, {"line1": ["Ensure this field has no more than 100 characters."]}),
        ({**HOME, "postal_code": "x" * 13}, {"postal_code": ["Ensure this field has no more than 12 characters."]}),
        ({**HOME, "is_default_shipping": "maybe"}, {"is_default_shipping": ["Must be a valid boolean."]}),
        ({**HOME, "city": ["Bath"]}, {"city": ["Not a valid string."]}),
        ({**HOME, "phone": "<script>"}, {"phone": ["Enter a phone number: digits, spaces and + ( ) - only."]}),
    ],
)
def test_api_bad_addresses_are_400s_with_field_errors_and_nothing_written(api, customer, body, details):
    api.force_authenticate(customer)

    response = api.post("/api/v1/addresses/", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == details
    assert not Address.objects.exists()


def test_api_a_bad_patch_writes_nothing(api, customer):
    address = services.address_create(user=customer, **HOME)
    api.force_authenticate(customer)

    response = api.patch(f"/api/v1/addresses/{address.pk}/", {"country": "DE"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"postal_code": ["Enter a valid postal code for this country."]}
    address.refresh_from_db()
    assert address.country.code == "GB"


@pytest.mark.parametrize("address_id", ["abc", "99999999999999999999", "0"])
def test_api_unknown_ids_are_404s(api, customer, address_id):
    api.force_authenticate(customer)

    assert api.get(f"/api/v1/addresses/{address_id}/").status_code == 404


def test_api_addresses_need_authentication(api):
    assert api.get("/api/v1/addresses/").status_code == 401
    assert api.post("/api/v1/addresses/", HOME, format="json").status_code == 401
    assert not Address.objects.exists()
