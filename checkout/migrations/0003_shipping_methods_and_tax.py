"""Seed the store's shipping methods and its single tax setting (both editable in admin afterwards)."""

from decimal import Decimal

from django.db import migrations

SHIPPING_METHODS = [
    {
        "code": "standard",
        "name": "Standard delivery",
        "price": Decimal("4.95"),
        "free_over": Decimal("50.00"),
        "delivery_estimate": "3-5 working days",
        "position": 0,
    },
    {
        "code": "express",
        "name": "Express",
        "price": Decimal("9.95"),
        "free_over": None,
        "delivery_estimate": "1-2 working days",
        "position": 1,
    },
]


def seed(apps, schema_editor):
    ShippingMethod = apps.get_model("checkout", "ShippingMethod")
    TaxConfiguration = apps.get_model("checkout", "TaxConfiguration")
    for method in SHIPPING_METHODS:
        ShippingMethod.objects.get_or_create(code=method["code"], defaults=method)
    if not TaxConfiguration.objects.exists():
        TaxConfiguration.objects.create(rate=Decimal("20.00"), prices_include_tax=True)


class Migration(migrations.Migration):
    dependencies = [("checkout", "0002_cartline_quantity_1_to_99")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
