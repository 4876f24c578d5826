"""The demo park: loaded through the real approval service, idempotent, printed by demo_info."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client
from django_tenants.utils import schema_exists
from stdnum.cn import uscc

from apps.accounts.models import Membership, User
from apps.audit.models import AuditEntry
from apps.identifiers.models import Prefix
from apps.tenants import demo_data
from apps.tenants.models import Domain, Enterprise
from apps.tenants.selectors import enterprise_upstream_missing

pytestmark = pytest.mark.django_db


def counts():
    return (
        Enterprise.objects.count(),
        Domain.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Prefix.objects.count(),
        AuditEntry.objects.count(),
    )


def test_demo_data_is_realistic():
    assert len(demo_data.ENTERPRISES) == 3
    for name, _short, credit_code, *_rest in demo_data.ENTERPRISES:
        assert uscc.is_valid(credit_code), credit_code
        assert name.endswith("公司")


def test_load_demo_twice_changes_nothing_the_second_time(park):
    call_command("load_demo", stdout=StringIO())
    after_first = counts()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert counts() == after_first
    assert "nothing changed" in out.getvalue()

    for *_head, code, _industry, _address, _contact, _phone, _email in demo_data.ENTERPRISES:
        enterprise = Enterprise.objects.get(code=code)
        assert enterprise.status == "active"
        assert schema_exists(enterprise.schema_name)
        assert Prefix.objects.filter(prefix=f"88.101.{code}", enterprise=enterprise).exists()
        assert AuditEntry.objects.filter(action="enterprise.approve", object_id=str(enterprise.pk)).exists()
        # Complete 上级节点前缀申请资料: the prefix application is not held for missing data.
        assert enterprise_upstream_missing(enterprise=enterprise) == []
        assert enterprise.full_clean(validate_unique=False) is None


def test_a_demo_loaded_before_the_upstream_data_is_completed_by_a_second_load(park):
    call_command("load_demo", stdout=StringIO())
    Enterprise.objects.filter(code="ZLJM").update(legal_name="", legal_id_number="", legal_id_type="")
    call_command("load_demo", stdout=StringIO())
    enterprise = Enterprise.objects.get(code="ZLJM")
    assert enterprise_upstream_missing(enterprise=enterprise) == []
    assert AuditEntry.objects.filter(
        action="enterprise.upstream_info_update", object_id=str(enterprise.pk)
    ).exists()


def test_every_demo_role_can_log_in(park):
    call_command("load_demo", stdout=StringIO())
    roles = set()
    for username in ["park_admin", "park_operator", "park_auditor", "zljm_admin", "zljm_member"]:
        user = authenticate(username=username, password=demo_data.DEMO_PASSWORD)
        assert user is not None, username
        roles.add(user.park_role or Membership.objects.get(user=user).role)
    assert roles == {"park_admin", "park_operator", "park_auditor", "enterprise_admin", "enterprise_member"}
    for username in ["park_admin", "park_operator", "park_auditor"]:
        assert User.objects.get(username=username).is_staff, username
    assert not User.objects.get(username="zljm_admin").is_staff

    # Django admin is on for every park role
    for username in ["park_operator", "park_auditor"]:
        staff = Client(HTTP_HOST="park.localhost")
        staff.force_login(User.objects.get(username=username))
        assert staff.get("/admin/").status_code == 200, username

    client = Client(HTTP_HOST="zljm.park.localhost")
    response = client.post(
        "/accounts/login/", {"username": "zljm_member", "password": demo_data.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert "苏州智联精密机械有限公司" in client.get("/").content.decode()
    # A member of 智联精密 gets nothing from 华芯电子.
    client.defaults["HTTP_HOST"] = "hxdz.park.localhost"
    assert client.get("/").status_code == 403


def test_demo_info_prints_urls_and_logins(park):
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("demo_info", "--port", "8000", stdout=out)
    text = out.getvalue()
    assert "http://park.localhost:8000/" in text
    assert "http://zljm.park.localhost:8000/" in text
    assert "http://park.localhost:8000/api/docs/" in text
    assert demo_data.DEMO_PASSWORD in text
    for username in ["park_admin", "park_operator", "park_auditor", "zljm_admin", "zljm_member"]:
        assert username in text
