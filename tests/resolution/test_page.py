"""GET /<handle>: HTML page, JSON, 307 redirect, RFC 9264 linkset, CORS/HEAD/OPTIONS."""

import pytest
from django.test import override_settings

from apps.metadata.services import template_update
from apps.resolution import cache, counters
from tests.resolution import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def lamp(enterprise_a):
    return builders.identifier(enterprise_a, "Lamp-1")


@pytest.fixture
def linked(enterprise_a):
    return builders.identifier(
        enterprise_a, "Linked-9", default_link="https://shop.example.com/p/{suffix}?from={prefix}"
    )


def test_html_page_for_browser(park_client, lamp):
    response = park_client.get("/88.101.alpha/Lamp-1", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*")
    assert response.status_code == 200
    html = response.content.decode()
    assert "1号路灯" in html  # object name
    assert "道路设施" in html  # category
    assert "Alpha 测试科技有限公司" in html  # owner
    assert "120 W" in html  # value with its unit
    assert "V1" in html  # template version
    assert "<svg" in html  # QR code
    assert 'name="viewport"' in html
    assert 'rel="linkset"' in response["Link"]


def test_json_on_accept(park_client, lamp):
    response = park_client.get("/88.101.alpha/Lamp-1", HTTP_ACCEPT="application/json")
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["handle"] == lamp.handle
    assert body["enterprise"] == "Alpha 测试科技有限公司"
    assert len(body["values"]) == 3


def test_redirect_keeps_query_string(park_client, linked):
    response = park_client.get("/88.101.alpha/Linked-9?utm=qr&lot=7", HTTP_ACCEPT="text/html")
    assert response.status_code == 307
    assert response["Location"] == "https://shop.example.com/p/Linked-9?from=88.101.alpha&utm=qr&lot=7"
    # the page stays reachable
    assert park_client.get("/88.101.alpha/Linked-9?redirect=0").status_code == 200


def test_linkset(park_client, linked):
    for response in (
        park_client.get("/88.101.alpha/Linked-9", {"linkType": "linkset"}),
        park_client.get("/88.101.alpha/Linked-9", HTTP_ACCEPT="application/linkset+json"),
    ):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/linkset+json"
        body = response.json()
        assert list(body) == ["linkset"]
        context = body["linkset"][0]
        assert context["anchor"] == "http://park.localhost/88.101.alpha/Linked-9"
        assert context["describedby"][0]["href"] == "http://park.localhost/api/handles/88.101.alpha/Linked-9"
        assert context["describedby"][0]["type"] == "application/json"
        assert context["alternate"][0]["type"] == "text/html"
        assert context["related"][0]["href"] == "https://shop.example.com/p/Linked-9?from=88.101.alpha"
        for targets in (v for k, v in context.items() if k != "anchor"):
            assert all("href" in t for t in targets)
    link = park_client.get("/88.101.alpha/Linked-9", HTTP_ACCEPT="application/json")["Link"]
    assert link == (
        '<http://park.localhost/88.101.alpha/Linked-9?linkType=linkset>; rel="linkset"; type="application/linkset+json"'
    )


def test_unknown_and_malformed(park_client, park):
    missing = park_client.get("/88.101.alpha/none", HTTP_ACCEPT="text/html")
    assert missing.status_code == 404
    assert "未找到标识" in missing.content.decode()
    assert "88.101.alpha/none" in missing.content.decode()
    malformed = park_client.get("/88.101.alpha", HTTP_ACCEPT="text/html")
    assert malformed.status_code == 400
    assert "标识格式无效" in malformed.content.decode()


def test_cors_head_options(park_client, lamp):
    head = park_client.head("/88.101.alpha/Lamp-1")
    assert head.status_code == 200 and head.content == b""
    assert head["Access-Control-Allow-Origin"] == "*"
    options = park_client.options("/88.101.alpha/Lamp-1")
    assert options.status_code == 204
    assert "HEAD" in options["Allow"]


def test_catchall_does_not_hide_portal_pages(park_client, park):
    # a portal path (first segment not a prefix) never reaches the resolver
    response = park_client.get("/accounts/login/")
    assert response.status_code == 200
    assert "标识" not in response.get("Link", "")


@pytest.mark.parametrize("shared", [True, False], ids=["redis-copy", "no-redis-copy"])
def test_template_link_and_name_change_is_served_at_once(
    park_client, linked, shared, django_capture_on_commit_callbacks
):
    url = "/88.101.alpha/Linked-9"
    with override_settings(RESOLUTION_SHARED_CACHE=shared):
        assert park_client.get(url, HTTP_ACCEPT="text/html")["Location"].startswith(
            "https://shop.example.com/"
        )
        assert "路灯模板" in park_client.get(url, {"redirect": "0"}).content.decode()
        counters.push_pending()  # the Redis copy of the cached record, when kept
        with django_capture_on_commit_callbacks(execute=True):  # as after the real commit
            template_update(
                template=linked.template_version.template,
                name="智能路灯模板",
                default_link="https://new.example.com/{suffix}",
            )
        assert park_client.get(url, HTTP_ACCEPT="text/html")["Location"] == "https://new.example.com/Linked-9"
        assert "智能路灯模板" in park_client.get(url, {"redirect": "0"}).content.decode()
        # another process, nothing in its memory: no old Redis copy either
        cache.local.clear()
        assert park_client.get(url, HTTP_ACCEPT="text/html")["Location"] == "https://new.example.com/Linked-9"


def test_page_links_references_and_tucks_technical_rows_away(park_client, enterprise_a):
    builders.identifier(
        enterprise_a,
        "Pole-2",
        values=[
            builders.value(2000, "name", "2号灯杆"),
            builders.value(2002, "HS_ALIAS", "88.101.alpha/Lamp-1"),
            builders.value(2003, "note", "见 88.101.alpha/Lamp-1"),
            builders.value(1000, "TEMPLATE_ID", "ROAD_LAMP"),
            builders.value(1001, "TEMPLATE", "1"),
        ],
    )
    html = park_client.get("/88.101.alpha/Pole-2", HTTP_ACCEPT="text/html").content.decode()
    assert '<html lang="zh-Hans">' in html
    public, technical = html.split("<details", 1)
    assert "2号灯杆" in public and "<td>ROAD_LAMP" not in public and "TEMPLATE_ID" not in public
    assert "技术信息" in technical and "TEMPLATE_ID" in technical and "<td>ROAD_LAMP" in technical
    assert '<a href="/88.101.alpha/Lamp-1" data-reference>88.101.alpha/Lamp-1</a>' in technical
    assert "见 88.101.alpha/Lamp-1</td>" in public  # free text naming a handle is not a reference


def test_reference_item_links_to_its_identifier():
    from apps.resolution.views import split_display

    public, technical = split_display(
        [
            {"index": 2001, "type": "parent", "value": "88.101.alpha/Lamp#1", "reference": True},
            {"index": 2002, "type": "site", "value": "https://example.com/x", "reference": True},
            {"index": 100, "type": "HS_ADMIN", "value": "{}", "reference": False},
        ]
    )
    assert [row["href"] for row in public] == ["/88.101.alpha/Lamp%231", ""]
    assert [row["type"] for row in technical] == ["HS_ADMIN"]
