"""Pseudonymised training data: `export_training_data` writes what each model kind learns from, and
no registered personal value (e-mail, name, phone, address, IP) of anyone appears in it."""

import csv
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from events.models import DailyVariantStats, Interaction
from privacy import registry
from privacy.services import pseudonym

pytestmark = pytest.mark.django_db


def _personal_values() -> set[str]:
    """Every value stored in a registered contact, address or network field of any row."""
    values = set()
    for item in registry.fields_by_category(*registry.Category.IDENTIFYING):
        for value in item.model_class.objects.values_list(item.field, flat=True):
            if isinstance(value, dict):
                values |= {str(v) for key, v in value.items() if key not in ("country", "country_name")}
            elif value:
                values.add(str(value))
    return {value for value in values if len(value) > 3}


@pytest.mark.parametrize("kind", ["recommendations", "pricing", "sentiment", "support"])
def test_each_kind_writes_csv_files_without_any_personal_value(jane, tmp_path, kind):
    variant = jane.orders.get().lines.get().variant
    DailyVariantStats.objects.create(
        variant=variant, date=timezone.localdate() - timedelta(days=2), price=10, units_sold=3
    )
    Interaction.objects.create(kind="purchase", user=jane, product=variant.product, created_at=timezone.now())

    call_command("export_training_data", "--kind", kind, "--out", str(tmp_path))

    files = list(tmp_path.iterdir())
    text = "\n".join(path.read_text() for path in files)
    rows = [row for path in files for row in csv.DictReader(path.open())]
    assert rows, kind
    leaked = {value for value in _personal_values() if value.lower() in text.lower()}
    assert leaked == set()


def test_people_appear_as_a_stable_keyed_pseudonym(jane, tmp_path, settings):
    call_command("export_training_data", "--kind", "recommendations", "--out", str(tmp_path))
    users = {row["user"] for row in csv.DictReader((tmp_path / "interactions.csv").open())}

    assert users == {pseudonym(jane.pk)}
    settings.PRIVACY_PSEUDONYM_KEY = "another key"
    assert pseudonym(jane.pk) not in users  # without the key nobody can recompute it


def test_an_unknown_kind_or_a_file_as_folder_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("x")

    with pytest.raises(CommandError, match="invalid choice"):
        call_command("export_training_data", "--kind", "weather", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("export_training_data", "--kind", "pricing", "--out", str(tmp_path / "file"))
