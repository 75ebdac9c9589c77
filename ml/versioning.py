"""Which code trained a model: recorded on every model version for audits and reproductions."""

import functools
import subprocess
import tomllib

from django.conf import settings


@functools.cache
def code_version() -> str:
    """`git describe` of the checkout ("a1b2c3d4e5f6-dirty" with local changes), else the project version."""
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--abbrev=12"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        described = ""
    if described:
        return f"git {described}"
    with (settings.BASE_DIR / "pyproject.toml").open("rb") as handle:
        project = tomllib.load(handle)["project"]
    return f"{project['name']} {project['version']}"
