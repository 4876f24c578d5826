"""The demo identifiers ``manage.py load_demo`` registers: enough of them, across categories and
enterprises, registered like real data (restricted values in the enterprises' schemas), and the
objects the demo points people to resolve."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django_tenants.utils import schema_context

from apps.enterprise_data.models import RestrictedValues
from apps.identifiers.choices import IdentifierStatus
from apps.identifiers.models import Identifier
from apps.tenants import demo_data
from apps.tenants.models import Enterprise

pytestmark = pytest.mark.django_db


def test_demo_identifiers_are_registered_like_real_data_and_resolve(park, park_client):
    call_command("load_demo", stdout=StringIO())
    demo = Identifier.objects.filter(status=IdentifierStatus.ACTIVE).exclude(
        enterprise__code__in=["ALPHA", "BETA"]
    )
    assert demo.count() >= 300
    assert demo.values("category").distinct().count() >= 10
    operator = Enterprise.objects.get(is_park_operator=True)
    assert demo.filter(enterprise=operator).count() >= 100

    for *_head, code, _industry, _address, _contact, _phone, _email in demo_data.ENTERPRISES:
        enterprise = Enterprise.objects.get(code=code)
        mine = demo.filter(enterprise=enterprise)
        assert mine.count() >= 50, code
        # restricted values live in the enterprise's own schema, not in the public registry
        with schema_context(enterprise.schema_name):
            rows = RestrictedValues.objects.filter(identifier_id__in=list(mine.values_list("pk", flat=True)))
            restricted_types = {v["type"] for row in rows for v in row.values}
        assert {"production_line", "process_params"} <= restricted_types, code
        public_types = {v["type"] for ident in mine.filter(category="manufacturing") for v in ident.values}
        assert not public_types & {"production_line", "process_params"}, code

    # the printed demo handle resolves through the Handle REST API
    out = StringIO()
    call_command("demo_info", "--port", "8000", stdout=out)
    handle = re.search(r"Demo identifier\s+(\S+)", out.getvalue()).group(1)
    response = park_client.get(f"/api/handles/{handle}")
    assert response.status_code == 200
    body = response.json()
    assert body["responseCode"] == 1 and body["handle"] == handle
    name = Identifier.objects.get(handle=handle).name
    assert any(v["data"]["value"] == name for v in body["values"] if v["type"] == "name")

    # the template with a default link: its objects send a browser on to the service
    service = demo.filter(template_version__template__code="PARK-INFO").order_by("id").first()
    response = park_client.get(f"/{service.handle}", HTTP_ACCEPT="text/html")
    assert response.status_code == 307
    assert response["Location"] == f"https://service.park.example.cn/s/{service.suffix}"
