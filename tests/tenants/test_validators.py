"""The enterprise code's length limit follows settings.ENTERPRISE_CODE_MAX_LENGTH, never above
the column's 20 characters."""

from __future__ import annotations

import pytest

from apps.tenants.models import Enterprise
from tests.tenants.test_onboarding import application

pytestmark = pytest.mark.django_db


def apply(client, code):
    response = client.post("/tenants/apply/", application(code=code))
    errors = response.context["form"].errors.get("code", []) if response.status_code == 200 else []
    return response.status_code, errors


def test_a_park_with_shorter_codes_refuses_longer_ones_on_the_form(park_client, park, settings):
    settings.ENTERPRISE_CODE_MAX_LENGTH = 6
    status, errors = apply(park_client, "XHJM001")
    assert status == 200 and any("长度 1–6 位" in e for e in errors), errors
    assert not Enterprise.objects.filter(code="XHJM001").exists()
    status, errors = apply(park_client, "XHJM01")
    assert status == 302, errors
    assert Enterprise.objects.filter(code="XHJM01").exists()


def test_the_setting_cannot_exceed_the_column(park_client, park, settings):
    settings.ENTERPRISE_CODE_MAX_LENGTH = 40
    status, errors = apply(park_client, "A" * 21)
    assert status == 200 and errors
    assert not Enterprise.objects.filter(code="A" * 21).exists()
    status, errors = apply(park_client, "A" * 20)
    assert status == 302, errors
