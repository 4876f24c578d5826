"""One rule for free text at every door (the portal form, the REST API, the SNMS API; the import
has tests/imports/test_text_cells.py): line breaks and tabs are kept, stored with LF line ends;
other control and invisible characters are refused; object codes take neither."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from apps.identifiers.models import Identifier
from apps.metadata.exchange import snms_version_name
from apps.metadata.selectors import effective_items
from tests.factories import PASSWORD

from .conftest import current

pytestmark = pytest.mark.django_db

DESCRIPTION = "1号叉车\n电动，额定载重 3 吨\t室内使用"
URL = "/api/v1/identifiers/"


@pytest.fixture
def logistics(seeds):
    """PARK-LOGISTICS: no check character, so any object code is the whole suffix."""
    return current(seeds, "PARK-LOGISTICS")


def values(**extra) -> dict:
    return {"name": "1号叉车", "equipment_type": "叉车", **extra}


def stored(object_code: str) -> dict[str, str]:
    ident = Identifier.objects.get(object_code=object_code)
    return {v["type"]: v["data"]["value"] for v in ident.values}


@pytest.fixture
def api_a(alpha, admin_a):
    key = Token.objects.get_or_create(user=admin_a)[0].key
    return Client(HTTP_HOST="alpha.park.localhost", HTTP_AUTHORIZATION=f"Token {key}")


def test_the_form_keeps_a_textareas_line_breaks(tenant_client, alpha, member_a, logistics):
    client = tenant_client(alpha)
    client.force_login(member_a)
    # A browser sends a textarea's line breaks as CRLF.
    data = {**values(description=DESCRIPTION.replace("\n", "\r\n")), "object_code": "FORM-1"}
    response = client.post(f"/identifiers/new/{logistics.template_id}/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert stored("FORM-1")["description"] == DESCRIPTION
    page = client.get(response["Location"]).content.decode()
    assert "1号叉车<br>电动，额定载重 3 吨" in page


def test_the_form_refuses_a_zero_width_space_and_a_line_break_in_the_object_code(
    tenant_client, alpha, member_a, logistics
):
    client = tenant_client(alpha)
    client.force_login(member_a)
    response = client.post(
        f"/identifiers/new/{logistics.template_id}/",
        {**values(description="1号\u200b叉车"), "object_code": "FORM-2"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["description"] == [
        "「对象描述」不能包含控制字符或不可见字符（U+200B），换行和制表符除外"
    ]
    response = client.post(
        f"/identifiers/new/{logistics.template_id}/", {**values(), "object_code": "FORM\n3"}
    )
    assert response.status_code == 200 and "object_code" in response.context["form"].errors
    assert not Identifier.objects.filter(object_code__startswith="FORM").exists()


def test_the_rest_api_keeps_line_breaks_and_refuses_other_control_characters(api_a, logistics):
    body = {"template": "PARK-LOGISTICS", "object_code": "API-1", "values": values(description=DESCRIPTION)}
    response = api_a.post(URL, body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert stored("API-1")["description"] == DESCRIPTION

    body = {"template": "PARK-LOGISTICS", "object_code": "API-2", "values": values(description="叉\x07车")}
    response = api_a.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert "U+0007" in json.dumps(response.json(), ensure_ascii=False)

    body = {"template": "PARK-LOGISTICS", "object_code": "API\n3", "values": values()}
    response = api_a.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert not Identifier.objects.filter(object_code__in=["API-2", "API\n3"]).exists()


def test_the_snms_api_keeps_line_breaks_and_refuses_other_control_characters(alpha, admin_a, logistics):
    client = Client(HTTP_HOST="park.localhost")
    token = client.post(
        "/identity/token",
        {"username": admin_a.username, "password": PASSWORD},
        content_type="application/json",
    ).json()["data"]["token"]

    def register(handle: str, description: str) -> dict:
        by_code = {"name": "1号叉车", "equipment_type": "叉车", "description": description}
        indexes = {item["code"]: item["index"] for item in effective_items(logistics)}
        body = {
            "handle": handle,
            "templateVersion": snms_version_name(logistics),
            "value": [
                {"index": indexes[code], "type": code, "data": {"format": "string", "value": value}}
                for code, value in by_code.items()
            ],
        }
        return client.post(
            "/identityv2/data",
            json.dumps(body, ensure_ascii=False),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        ).json()

    answer = register("88.101.ALPHA/SNMS-1", DESCRIPTION.replace("\n", "\r\n"))
    assert answer["status"] == 1, answer
    assert stored("SNMS-1")["description"] == DESCRIPTION

    answer = register("88.101.ALPHA/SNMS-2", "叉车\u200b")
    assert answer["status"] != 1 and "U+200B" in answer["message"], answer
    answer = register("88.101.ALPHA/SNMS\n3", DESCRIPTION)
    assert answer["status"] != 1, answer
    assert not Identifier.objects.filter(object_code__in=["SNMS-2", "SNMS\n3"]).exists()
