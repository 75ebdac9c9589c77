"""`make backup` / `make restore`: a round trip brings back the database rows and the model artifacts."""

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from shop.models import Category
from tests.factories import CategoryFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump, in another process, sees committed rows only


@pytest.fixture
def storage_env(tmp_path):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MODEL_ROOT": str(tmp_path / "models"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    (tmp_path / "models" / "als" / "v1").mkdir(parents=True)
    (tmp_path / "models" / "als" / "v1" / "item_factors.npy").write_bytes(b"factors")
    return env


def run(script: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([f"scripts/{script}", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_backup_then_restore_brings_back_rows_and_model_files(storage_env, tmp_path):
    CategoryFactory(name="Kept in the backup")
    backup_dir = tmp_path / "backup"

    made = run("backup.sh", env={**storage_env, "BACKUP_DIR": str(backup_dir)})
    assert made.returncode == 0, made.stderr
    Category.objects.all().delete()
    CategoryFactory(name="Written after the backup")
    artifact = Path(storage_env["MODEL_ROOT"]) / "als" / "v1" / "item_factors.npy"
    artifact.unlink()

    restored = run("restore.sh", str(backup_dir), env=storage_env)

    assert restored.returncode == 0, restored.stderr
    assert list(Category.objects.values_list("name", flat=True)) == ["Kept in the backup"]
    assert artifact.read_bytes() == b"factors"


def test_restore_refuses_a_damaged_backup_and_changes_nothing(storage_env, tmp_path):
    CategoryFactory(name="Before")
    backup_dir = tmp_path / "backup"
    assert run("backup.sh", env={**storage_env, "BACKUP_DIR": str(backup_dir)}).returncode == 0
    CategoryFactory(name="After")
    with (backup_dir / "database.dump").open("ab") as dump:
        dump.write(b"corruption")

    restored = run("restore.sh", str(backup_dir), env=storage_env)

    assert restored.returncode == 1
    assert "damaged; nothing restored" in restored.stderr
    assert sorted(Category.objects.values_list("name", flat=True)) == ["After", "Before"]
