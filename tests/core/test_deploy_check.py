"""`manage.py check --deploy` is clean with deploy/env.example's production variables once the
secret key is a generated one, and warns while the placeholder (or no key) is left in."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import _database_url

ROOT = Path(__file__).resolve().parent.parent.parent

# django_db only so the session fixtures find their test database when this file runs alone.
pytestmark = pytest.mark.django_db


def _example() -> dict[str, str]:
    values = {}
    for line in (ROOT / "deploy" / "env.example").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key] = value
    return values


def _check_deploy(tmp_path, **overrides):
    from django.conf import settings

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST_", "PARK_", "UPSTREAM_", "CACHE_KEY"))
    }
    env.update(_example())
    # The example's service URLs name a production host; this machine's answer in their place.
    env.update(
        DATABASE_URL=_database_url(settings.DATABASES["default"]),
        REDIS_URL=settings.REDIS_URL,
        PARK_VAR_DIR=str(tmp_path),
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_example_with_a_generated_key_passes_check_deploy(tmp_path):
    assert _example()["DJANGO_DEBUG"] == "0"
    result = _check_deploy(tmp_path, DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("key", ["example", None], ids=["placeholder", "unset"])
def test_the_placeholder_or_the_development_key_is_flagged(tmp_path, key):
    overrides = {} if key == "example" else {"DJANGO_SECRET_KEY": None}
    result = _check_deploy(tmp_path, **overrides)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "park.W001" in output and "identified 1 issue" in output
