"""Global search: handle, enterprise name or code, credit code, object code → what the user may
see. Park staff see the park; an enterprise user only their own enterprise and its identifiers,
on every domain and through the API."""

from __future__ import annotations

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(alpha, beta, make_identifiers):
    make_identifiers(alpha, 2)  # 88.101.ALPHA/OBJ1, OBJ2
    make_identifiers(beta, 2)  # 88.101.BETA/OBJ1, OBJ2


def found(response) -> tuple[list[str], list[str]]:
    results = response.context["results"]
    return [i["handle"] for i in results["identifiers"]], [e["code"] for e in results["enterprises"]]


def test_park_staff_find_across_the_park(objects, park_client, park_auditor):
    park_client.force_login(park_auditor)
    assert found(park_client.get("/workbench/search/?q=OBJ1")) == (
        ["88.101.ALPHA/OBJ1", "88.101.BETA/OBJ1"],
        [],
    )
    assert found(park_client.get("/workbench/search/?q=88.101.beta/obj2")) == (["88.101.BETA/OBJ2"], [])
    assert found(park_client.get("/workbench/search/?q=beta")) == ([], ["BETA"])
    assert found(park_client.get(f"/workbench/search/?q={factories.CREDIT_CODES['alpha'].lower()}")) == (
        [],
        ["ALPHA"],
    )
    assert found(park_client.get("/workbench/search/?q=测试科技")) == ([], ["ALPHA", "BETA"])
    html = park_client.get("/workbench/search/?q=OBJ1").content.decode()
    assert html.count('data-result="identifier"') == 2


def test_an_enterprise_user_never_sees_another_tenants_objects(
    objects, park_client, tenant_client, admin_a, alpha, beta
):
    client = tenant_client(alpha)
    client.force_login(admin_a)
    assert found(client.get("/workbench/search/?q=OBJ1")) == (["88.101.ALPHA/OBJ1"], [])
    assert found(client.get("/workbench/search/?q=88.101.BETA/OBJ1")) == ([], [])
    assert found(client.get("/workbench/search/?q=beta")) == ([], [])
    assert found(client.get(f"/workbench/search/?q={factories.CREDIT_CODES['beta']}")) == ([], [])
    assert found(client.get("/workbench/search/?q=测试科技")) == ([], ["ALPHA"])
    html = client.get("/workbench/search/?q=BETA").content.decode()
    assert "Beta 测试科技" not in html and "88.101.BETA" not in html
    # the API answers the same
    body = client.get("/api/v1/workbench/search/?q=OBJ2").json()
    assert [row["handle"] for row in body["identifiers"]] == ["88.101.ALPHA/OBJ2"]
    body = client.get(f"/api/v1/workbench/search/?q={factories.CREDIT_CODES['beta']}").json()
    assert body["identifiers"] == [] and body["enterprises"] == []
    # on the park domain an enterprise user gets no search at all
    park_client.force_login(admin_a)
    assert park_client.get("/workbench/search/?q=OBJ1").status_code == 403
    assert park_client.get("/api/v1/workbench/search/?q=OBJ1").status_code == 403
    # nor on another enterprise's domain
    other = tenant_client(beta)
    other.force_login(admin_a)
    assert other.get("/api/v1/workbench/search/?q=OBJ1").status_code in (403, 404)
    response = other.get("/workbench/search/?q=OBJ1")
    assert response.status_code in (302, 403, 404)
    assert b"88.101.BETA" not in response.content


def test_api_search_refuses_an_empty_query(park_client, park_admin):
    park_client.force_login(park_admin)
    response = park_client.get("/api/v1/workbench/search/?q=")
    assert response.status_code == 400
    assert response.json()["errors"]["q"] == ["请输入 1 至 255 个字符的搜索内容"]
    response = park_client.get("/api/v1/workbench/search/", {"q": "x" * 256})
    assert response.status_code == 400
    # blank is a query that finds nothing
    assert park_client.get("/api/v1/workbench/search/?q=%20").json()["identifiers"] == []


def test_header_search_box_on_both_domains(park_client, park_admin, tenant_client, admin_a, alpha):
    park_client.force_login(park_admin)
    assert 'id="global-search"' in park_client.get("/").content.decode()
    client = tenant_client(alpha)
    client.force_login(admin_a)
    assert 'id="global-search"' in client.get("/").content.decode()
    park_client.logout()
    assert 'id="global-search"' not in park_client.get("/").content.decode()
