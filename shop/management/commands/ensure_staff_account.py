"""`manage.py ensure_staff_account`: make sure someone can log in to the back office (run by `make run`).

When no active staff user exists it creates the superuser "admin". The password is STAFF_PASSWORD when
set; otherwise one is generated once and kept in .local/staff-password.txt (git-ignored, mode 600), so
every later run prints the same login. Existing users are never modified, so running it again is a no-op.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"


class Command(BaseCommand):
    help = "Create the 'admin' superuser if there is no staff user, then print the back-office login."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password-file",
            type=Path,
            default=settings.BASE_DIR / ".local" / "staff-password.txt",
            help="Where a generated password is kept (default: .local/staff-password.txt).",
        )

    def handle(self, *args, password_file: Path, **options):
        users = get_user_model().objects
        env_password = os.environ.get("STAFF_PASSWORD") or None
        staff = users.filter(is_staff=True, is_active=True).order_by("-is_superuser", "pk")
        user = staff.filter(username=USERNAME).first() or staff.first()
        if user is None:
            if users.filter(username=USERNAME).exists():
                raise CommandError(
                    f"A user named '{USERNAME}' exists but is not active staff. Give it staff status, or create "
                    "another staff user with `manage.py createsuperuser`."
                )
            password = env_password or self._stored_password(password_file) or self._new_password(password_file)
            try:
                validate_password(password)
            except ValidationError as exc:
                raise CommandError(f"STAFF_PASSWORD is too weak: {' '.join(exc.messages)}") from exc
            user = users.create_superuser(USERNAME, email="", password=password)
            self.stdout.write(self.style.SUCCESS(f"Created the superuser '{USERNAME}'."))
        else:
            candidate = env_password or self._stored_password(password_file)
            password = candidate if candidate and user.check_password(candidate) else None

        port = os.environ.get("PORT", "8000")
        self.stdout.write(f"Back office: http://127.0.0.1:{port}/admin/")
        self.stdout.write(f"Username:    {user.get_username()}")
        if password:
            self.stdout.write(f"Password:    {password}")
        else:
            self.stdout.write(
                f"Password:    (not known here; change it with `manage.py changepassword {user.get_username()}`)"
            )

    @staticmethod
    def _stored_password(path: Path) -> str | None:
        try:
            return path.read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    @staticmethod
    def _new_password(path: Path) -> str:
        """Generate a password and keep it readable by the owner only."""
        password = secrets.token_urlsafe(15)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(password + "\n")
        return password
