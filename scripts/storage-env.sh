# Sourced by backup.sh and restore.sh: the database (as libpq PG* variables), MODEL_ROOT and MEDIA_ROOT
# exactly as Django's settings see them (DATABASE_URL, .env and defaults included).
eval "$(${PY:-.venv/bin/python} manage.py shell -v0 -c '
import shlex
from django.conf import settings
db = settings.DATABASES["default"]
values = {"PGHOST": db["HOST"] or "localhost", "PGPORT": db["PORT"] or 5432, "PGUSER": db["USER"],
          "PGPASSWORD": db["PASSWORD"], "PGDATABASE": db["NAME"],
          "model_root": settings.MODEL_ROOT, "media_root": settings.MEDIA_ROOT}
print("\n".join(f"export {key}={shlex.quote(str(value))}" for key, value in values.items()))')"
# pg_dump and pg_restore of the PostgreSQL that scripts/pg.sh runs (the machine's, else the wheel's).
if pg_bin=$(scripts/pg.sh bin 2>/dev/null); then export PATH="$pg_bin:$PATH"; fi
