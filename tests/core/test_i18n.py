"""Simplified Chinese by default; English on request, from locale/en."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent


def test_landing_in_english(park_client):
    page = park_client.get("/?lang=en").content.decode()
    assert "Apply to join the park" in page
    assert "企业入驻申请" not in page
    # The choice sticks (cookie) until the user switches back.
    assert "Apply to join the park" in park_client.get("/").content.decode()
    assert "企业入驻申请" in park_client.get("/?lang=zh-hans").content.decode()


def test_form_errors_in_english(park_client, enterprise_a):
    response = park_client.post("/tenants/apply/?lang=en", {"code": "alpha", "credit_code": "123"})
    page = response.content.decode()
    assert "This enterprise code is already taken" in page or "letters and digits" in page
    assert "Invalid unified social credit code" in page


def test_login_lockout_message_in_english(park_client, park):
    response = park_client.post("/accounts/login/?lang=en", {"username": "nobody", "password": "x"})
    assert "Wrong username or password" in response.content.decode()


def test_every_catalogue_entry_has_english():
    """The .po is the one source: every entry in it has an English translation (none fuzzy)."""
    from apps.core.catalogues import untranslated

    assert untranslated(ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po") == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext's xgettext is not installed")
def test_every_marked_string_has_english(tmp_path):
    """Extract the strings the code and templates mark for translation (makemessages, run on a
    copy of the source so the catalogue here is untouched) and find an English entry for each:
    a new msgid added without its English fails here. To fix: add the entry to
    locale/en/LC_MESSAGES/django.po (or run ``manage.py makemessages -l en`` and fill it in)."""
    from apps.core.catalogues import untranslated

    copy = tmp_path / "src"
    for name in ("apps", "park_portal", "templates", "locale"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "manage.py", copy)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v", "0"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert untranslated(copy / "locale" / "en" / "LC_MESSAGES" / "django.po") == []


def test_admin_header_and_audit_tenant_filter_in_english(park_client, park_admin, enterprise_a):
    from django.utils import translation

    from apps.audit.selectors import audit_tenants

    park_client.force_login(park_admin)
    page = park_client.get("/admin/?lang=en").content.decode()
    assert "Park Identifier Portal" in page and "园区标识一体化门户" not in page
    assert "园区标识一体化门户" in park_client.get("/admin/?lang=zh-hans").content.decode()

    with translation.override("en"):
        labels = dict(audit_tenants())
    with translation.override("zh-hans"):
        chinese = dict(audit_tenants())
    assert labels["public"] == "Park" and chinese["public"] == "园区"
    assert labels[enterprise_a.schema_name] == enterprise_a.name
