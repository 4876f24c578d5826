"""The enterprise domain's API refuses non-members with a translatable message."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.functional import Promise
from rest_framework.authtoken.models import Token

from apps.tenants.permissions import IsTenantMember

pytestmark = pytest.mark.django_db


def test_another_enterprises_user_is_refused_with_the_message(enterprise_a, admin_b):
    key = Token.objects.get_or_create(user=admin_b)[0].key
    client = Client(HTTP_HOST="alpha.park.localhost", HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/identifiers/")
    assert response.status_code == 403
    assert response.json()["message"] == "无权访问该企业的数据"
    assert isinstance(IsTenantMember.message, Promise)  # translated per request, not at import
