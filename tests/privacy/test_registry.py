"""The registry of personal data cannot fall behind the models: every field that looks personal is
declared once, or allowed here with a reason."""

import re

import pytest
from django.apps import apps

from privacy import registry

# Field names that usually hold personal data: contact, names, addresses, network signals, and free
# text a customer writes.
LOOKS_PERSONAL = re.compile(
    r"email|phone|(^|_)name$|username|address|^line\d$|(^|_)city$|post(al_)?code|zip_?code|(^|_)ip($|_)"
    r"|user_agent|device|^(body|text|message|transcript|comment|query|state)$|(^|_)to$"
)

# Fields that match but hold no one's personal data, with the reason.
NOT_PERSONAL = {
    "auth.Permission.name": "a permission's label",
    "auth.Group.name": "a staff role's name",
    "django_celery_beat.PeriodicTask.name": "a schedule's name",
    "django_celery_results.TaskResult.task_name": "a Celery task's name",
    "django_celery_results.TaskResult.periodic_task_name": "a schedule's name",
    "shop.Category.name": "catalogue",
    "shop.Brand.name": "catalogue",
    "shop.Attribute.name": "catalogue",
    "shop.Product.name": "catalogue",
    "shop.Variant.name": "catalogue",
    "checkout.ShippingMethod.name": "the store's configuration",
    "orders.OrderLine.product_name": "catalogue, frozen into the order",
    "orders.OrderLine.variant_name": "catalogue, frozen into the order",
    "ml.RegisteredModel.name": "a model kind",
    "ml.ModelAlias.name": "an alias such as champion",
    "ml.ModelVersion.device": "cpu or cuda: the training machine",
    "support.Intent.name": "an intent's code",
    "support.IntentExample.text": "training examples: seed and staff-written, or copied from chats already masked",
    "privacy.ExportJob.file_name": "a random file name",
    "privacy.RetentionPolicy.dormant_address_days": "a retention period",
    "risk.RiskRule.name": "a fraud rule's name, written by staff",
}


def _candidates() -> set[str]:
    return {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if not model._meta.proxy  # a proxy's fields are its concrete model's, declared there
        for field in model._meta.concrete_fields
        if LOOKS_PERSONAL.search(field.name)
    }


def _declared() -> set[str]:
    return {f"{item.model}.{item.field}" for item in registry.fields_all()}


def test_every_field_that_looks_personal_is_declared_or_allowed_with_a_reason():
    undeclared = _candidates() - _declared() - set(NOT_PERSONAL)

    assert not undeclared, (
        f"Declare these in the app's personal_data.py FIELDS (or allow them in NOT_PERSONAL with a reason): "
        f"{sorted(undeclared)}"
    )


def test_the_allow_list_holds_no_stale_or_declared_entries():
    assert set(NOT_PERSONAL) <= _candidates()
    assert not set(NOT_PERSONAL) & _declared()


def test_the_known_personal_fields_are_declared_with_their_category():
    declared = {f"{item.model}.{item.field}": item for item in registry.fields_all()}

    assert declared["support.Ticket.email"].category == "contact"
    assert declared["accounts.Address.line1"].category == "address"
    assert declared["axes.AccessAttempt.ip_address"].category == "network"
    assert declared["support.Message.text"].category == "free_text"
    assert declared["events.Interaction.session_key"].retention == "events"
    assert declared["orders.Order.email"].retention == "orders"


def test_a_declaration_of_an_unknown_field_or_a_second_one_fails_when_the_apps_load():
    item = registry.PersonalField("support.Ticket", "email", "contact", "support")

    with pytest.raises(Exception, match="no field named"):
        registry._check([registry.PersonalField("support.Ticket", "phone", "contact", "support")])
    with pytest.raises(ValueError, match="declared twice"):
        registry._check([item, item])
    with pytest.raises(ValueError, match="unknown category"):
        registry._check([registry.PersonalField("support.Ticket", "email", "secret", "support")])
