"""Simplified Chinese by default; English on request, from locale/en."""

import pytest

pytestmark = pytest.mark.django_db


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
    """Every string the code marks for translation has an English entry (run
    ``manage.py makemessages -l en`` then ``locale/fill_en.py`` after adding strings)."""
    from pathlib import Path

    from django.conf import settings

    po = (Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    missing = []
    for block in po.split("\n\n")[1:]:
        if "#, fuzzy" in block or block.rstrip().endswith('msgstr ""') or 'msgstr[0] ""' in block:
            missing.append(block.split("msgid ", 1)[-1].split("\n", 1)[0])
    assert missing == []


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
