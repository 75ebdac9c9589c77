"""The admin's model list grouped by what staff do, not by app label.

A model goes to the group named for its model label, else for its app label, else to "Other": an app
added later appears under "Other" until a line here names its group, and never disappears.
"""

GROUPS = ("Catalogue", "Orders", "Customers", "Marketing", "Pricing", "Support", "Models", "Settings")
OTHER = "Other"

BY_MODEL = {
    "auth.user": "Customers",
    "auth.group": "Settings",
    "shop.review": "Customers",
    "shop.wishlistitem": "Customers",
    "shop.pricechange": "Pricing",
    "checkout.shippingmethod": "Settings",
    "checkout.taxconfiguration": "Settings",
    "events.dailyvariantstats": "Pricing",
}
BY_APP = {
    "shop": "Catalogue",
    "orders": "Orders",
    "checkout": "Orders",
    "payments": "Orders",
    "risk": "Orders",
    "accounts": "Customers",
    "privacy": "Customers",
    "sentiment": "Customers",
    "events": "Marketing",
    "recommendations": "Marketing",
    "campaigns": "Marketing",
    "pricing": "Pricing",
    "support": "Support",
    "ml": "Models",
    "auth": "Settings",
    "authtoken": "Settings",
    "axes": "Settings",
    "django_celery_beat": "Settings",
    "django_celery_results": "Settings",
    "core": "Settings",
    "ops": "Settings",
}


def group_of(*, app_label: str, model_name: str) -> str:
    return BY_MODEL.get(f"{app_label}.{model_name}") or BY_APP.get(app_label) or OTHER


def app_list_grouped(app_list: list[dict], *, index_url: str) -> list[dict]:
    """Django's app list (apps with their `models`) regrouped into GROUPS then OTHER, each shaped like an app
    so the admin's own templates render it; empty groups are left out and models sorted by name."""
    grouped: dict[str, list[dict]] = {}
    for app in app_list:
        for model in app["models"]:
            name = group_of(app_label=app["app_label"], model_name=model["object_name"].lower())
            grouped.setdefault(name, []).append(model)
    return [
        {
            "name": name,
            "app_label": f"group-{name.lower()}",
            "app_url": f"{index_url}#group-{name.lower()}",  # the group on the dashboard
            "has_module_perms": True,
            "models": sorted(grouped[name], key=lambda model: str(model["name"])),
        }
        for name in (*GROUPS, OTHER)
        if name in grouped
    ]
