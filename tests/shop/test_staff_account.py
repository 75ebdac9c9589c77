"""The ensure_staff_account command that `make run` uses to print a working back-office login."""

import io
import stat

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def env(monkeypatch):
    monkeypatch.delenv("STAFF_PASSWORD", raising=False)
    monkeypatch.setenv("PORT", "8123")
    return monkeypatch


def _run(password_file) -> str:
    out = io.StringIO()
    call_command("ensure_staff_account", password_file=password_file, stdout=out)
    return out.getvalue()


def test_creates_admin_with_a_generated_password_kept_for_later_runs(env, tmp_path):
    # Given no staff user and no stored password
    password_file = tmp_path / ".local" / "staff-password.txt"

    # When the command runs twice
    first = _run(password_file)
    second = _run(password_file)

    # Then one superuser exists, its password is stored owner-only, and both runs print the same login
    user = User.objects.get()
    password = password_file.read_text().strip()
    assert (user.username, user.is_staff, user.is_superuser, user.check_password(password)) == (
        "admin",
        True,
        True,
        True,
    )
    assert len(password) == 20
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    login = f"Back office: http://127.0.0.1:8123/admin/\nUsername:    admin\nPassword:    {password}\n"
    assert first == "Created the superuser 'admin'.\n" + login
    assert second == login


def test_uses_staff_password_from_the_environment_and_stores_nothing(env, tmp_path):
    env.setenv("STAFF_PASSWORD", "river-lantern-orbit-42")
    password_file = tmp_path / "staff-password.txt"

    output = _run(password_file)

    assert User.objects.get(username="admin").check_password("river-lantern-orbit-42")
    assert output.endswith("Password:    river-lantern-orbit-42\n")
    assert not password_file.exists()


def test_reuses_a_stored_password_when_the_database_was_recreated(env, tmp_path):
    password_file = tmp_path / "staff-password.txt"
    password_file.write_text("kept-from-before-9481\n")

    output = _run(password_file)

    assert User.objects.get(username="admin").check_password("kept-from-before-9481")
    assert output.endswith("Password:    kept-from-before-9481\n")


def test_an_existing_staff_user_is_left_alone(env, tmp_path):
    # Given a staff user created some other way, whose password the command cannot know
    User.objects.create_superuser("owner", password="owner-secret-passphrase")
    password_file = tmp_path / "staff-password.txt"

    # When the command runs
    output = _run(password_file)

    # Then nothing is created and the login is printed without a password
    assert list(User.objects.values_list("username", flat=True)) == ["owner"]
    assert output == (
        "Back office: http://127.0.0.1:8123/admin/\n"
        "Username:    owner\n"
        "Password:    (not known here; change it with `manage.py changepassword owner`)\n"
    )
    assert not password_file.exists()


def test_a_weak_staff_password_is_refused(env, tmp_path):
    env.setenv("STAFF_PASSWORD", "admin")

    with pytest.raises(CommandError, match=r"^STAFF_PASSWORD is too weak: This password is too short\."):
        _run(tmp_path / "staff-password.txt")

    assert User.objects.count() == 0


def test_a_non_staff_user_called_admin_is_an_error(env, tmp_path):
    User.objects.create_user("admin", password="shopper-passphrase-1")

    with pytest.raises(CommandError, match="A user named 'admin' exists but is not active staff"):
        _run(tmp_path / "staff-password.txt")

    assert User.objects.filter(is_staff=True).count() == 0
