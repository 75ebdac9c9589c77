"""The registry of personal data: what every app holds about a person, and how it is exported,
erased, aged out and pseudonymised.

`privacy` sits low in the layers (docs/architecture.md), so it cannot import the apps that hold the
data. Instead each app writes a `personal_data.py` module, discovered when the apps load
(`autodiscover`, like Django's admin.py), that imports nothing from privacy and offers:

- `FIELDS`: `(model label, field, category, retention)` per personal field, declared once;
- `export(*, user) -> {area: JSON-able}`: the person's data for their download (optional);
- `erase(*, user) -> {what: count}`: delete or anonymise the person's rows when the account closes;
- `retain(*, policy, now) -> {what: count}`: apply the retention periods (`privacy.models.RetentionPolicy`);
- `TRAINING_DATA = {kind: function(*, pseudonym) -> {file name: [row dicts]}}`: what
  `export_training_data --kind` writes, with people's ids passed through `pseudonym`.

Writes stay with the app that owns the table: the functions are the app's own code.
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import module_has_submodule

MODULE = "personal_data"


class Category:
    CONTACT = "contact"  # e-mail, phone, a person's name
    ADDRESS = "address"  # postal addresses
    FREE_TEXT = "free_text"  # what a customer wrote: reviews, chat messages, tickets
    BEHAVIOUR = "behaviour"  # what they did: events, searches, sessions
    NETWORK = "network"  # IP addresses, user agents, device signals

    ALL = (CONTACT, ADDRESS, FREE_TEXT, BEHAVIOUR, NETWORK)
    IDENTIFYING = (CONTACT, ADDRESS, NETWORK)  # masked for staff roles that do not need them


class Retention:
    ACCOUNT = "account"  # kept while the account lives; erased when it closes
    PUBLISHED = "published"  # public contributions (reviews): kept, under an anonymous author name
    ORDERS = "orders"  # an accounting record: kept for years, the identity removed when the account closes
    EVENTS = "events"  # raw events: pseudonymised after RetentionPolicy.events_days
    SUPPORT = "support"  # chats and tickets: anonymised after RetentionPolicy.support_days
    GUEST_CART = "guest_cart"  # abandoned guest carts: removed after RetentionPolicy.guest_cart_days
    AUDIT = "audit"  # the access audit: deleted after RetentionPolicy.audit_days

    ALL = (ACCOUNT, PUBLISHED, ORDERS, EVENTS, SUPPORT, GUEST_CART, AUDIT)


@dataclass(frozen=True)
class PersonalField:
    model: str  # "app_label.ModelName"
    field: str
    category: str
    retention: str

    @property
    def model_class(self):
        return apps.get_model(self.model)


_modules: dict[str, ModuleType] = {}


def autodiscover() -> None:
    """Load every installed app's personal_data module and check its declarations (PrivacyConfig.ready)."""
    _modules.clear()
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, MODULE):
            _modules[config.label] = import_module(f"{config.name}.{MODULE}")
    _check(fields_all())


def _check(declared: list[PersonalField]) -> None:
    seen = set()
    for item in declared:
        field = item.model_class._meta.get_field(item.field)  # raises for an unknown model or field
        if item.category not in Category.ALL or item.retention not in Retention.ALL:
            raise ValueError(f"{item}: unknown category or retention")
        if (item.model, field.name) in seen:
            raise ValueError(f"{item.model}.{item.field} is declared twice")
        seen.add((item.model, field.name))


def fields_all() -> list[PersonalField]:
    """Every declared personal field of every app."""
    return [PersonalField(*row) for module in _modules.values() for row in getattr(module, "FIELDS", [])]


def fields_by_category(*categories: str) -> list[PersonalField]:
    return [item for item in fields_all() if item.category in categories]


def _hooks(name: str) -> list[tuple[str, Callable]]:
    return [(label, getattr(module, name)) for label, module in _modules.items() if hasattr(module, name)]


def exporters() -> list[tuple[str, Callable]]:
    return _hooks("export")


def erasers() -> list[tuple[str, Callable]]:
    return _hooks("erase")


def retainers() -> list[tuple[str, Callable]]:
    return _hooks("retain")


def training_data_sources() -> dict[str, Callable]:
    """Kind name -> the function that builds its training files."""
    return {
        kind: source for module in _modules.values() for kind, source in getattr(module, "TRAINING_DATA", {}).items()
    }
