"""The SNMS v5 API as teleinfo-dev/id-guide documents it (docs/dev-tools/snms/v5): what a tool
written against those pages sends, in this process (Django test client on the park domain), so
the clock can be frozen."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from tests import factories
from tests.sync import registry

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
PREFIX = "88.101.ALPHA"


class Tool:
    """A client written against the documentation: bearer token, JSON bodies, the envelope."""

    def __init__(self, username: str, password: str = factories.PASSWORD):
        self.http = Client(HTTP_HOST="park.localhost")
        reply = self.post("/identity/token", {"username": username, "password": password})
        assert reply["status"] == 1, reply
        self.token = reply["data"]["token"]

    def request(self, method: str, path: str, body=None, *, params=None, token: str | None = None) -> dict:
        headers = {}
        token = self.token if token is None and hasattr(self, "token") else token
        if token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if method == "GET":
            response = self.http.get(path, params or {}, **headers)
        else:
            response = self.http.generic(
                method, path, json.dumps(body, ensure_ascii=False), content_type="application/json", **headers
            )
        return response.json()

    def post(self, path, body, **kw):
        return self.request("POST", path, body, **kw)

    def get(self, path, **params):
        return self.request("GET", path, params=params)


@pytest.fixture
def tool(enterprise_a, admin_a):
    registry.park_prefix(enterprise_a)
    return Tool("admin_a")


def documented_template(version: str, **changes) -> dict:
    """The body of template.md's 新增数据模板 example (idIndex sent as a string, as there)."""
    body = {
        "prefix": PREFIX,
        "version": version,
        "industryCategory": "A",
        "industrySpecific": "01",
        "industryTrade": "011",
        "industrySubclass": "0111",
        "type": 1,
        "description": "测试模板",
        "items": [
            {
                "name": "名称",
                "idType": "name",
                "idIndex": "2000",
                "metadata": {"type": "string", "minLength": 1, "maxLength": 10},
                "required": True,
            },
            {
                "name": "网址",
                "idType": "url",
                "idIndex": "2001",
                "metadata": {"type": "string", "minLength": 0, "maxLength": 100},
                "required": False,
            },
        ],
    }
    body.update(changes)
    return body


def identifier_body(handle: str, version: str, name: str, url: str = "www.001.com") -> dict:
    return {
        "handle": handle,
        "templateVersion": version,
        "value": [
            {"data": {"format": "string", "value": name}, "auth": "", "index": 2000, "type": "name"},
            {"data": {"format": "string", "value": url}, "auth": "", "index": 2001, "type": "url"},
        ],
    }


def new_version() -> str:
    return f"1.0-{uuid.uuid4().hex[:8]}"


def new_handle() -> str:
    return f"{PREFIX}/doc{uuid.uuid4().hex[:8]}"


# ---------------------------------------------------------------- POST /identity/token/v1
def v1_digest(password: str, day: str) -> str:
    return hashlib.sha256((hashlib.sha256(password.encode()).hexdigest() + day).encode()).hexdigest()


def test_token_v1_reproduces_the_documented_example(park, frozen_clock):
    # identity-auth.md: password 123456 on 2019-08-15 gives 58e2c92c…7661.
    frozen_clock.move_to(dt.datetime(2019, 8, 15, 10, 0, tzinfo=SHANGHAI))
    factories.user("v1_example_tool", password="123456", park_role="park_admin")
    http = Client(HTTP_HOST="park.localhost")

    reply = http.post(
        "/identity/token/v1",
        {
            "username": "v1_example_tool",
            "password": "58e2c92c46485fdbc35fdcd0814d6c0f000cad5aa156848ca5edaf29406b7661",
        },
        content_type="application/json",
    ).json()

    assert reply["status"] == 1 and reply["message"] == "success" and reply["data"]["token"]
    page = http.get("/snms/api/prefix/page", HTTP_AUTHORIZATION=f"Bearer {reply['data']['token']}").json()
    assert page["status"] == 1


def test_token_v1_accepts_the_park_date_and_the_adjacent_one_only_around_midnight(park, frozen_clock):
    password = "V1!Window2026"
    factories.user("v1_window_tool", password=password, park_role="park_admin")
    http = Client(HTTP_HOST="park.localhost")

    def token_v1(day: str) -> dict:
        body = {"username": "v1_window_tool", "password": v1_digest(password, day)}
        return http.post("/identity/token/v1", body, content_type="application/json").json()

    refused = {"status": -2, "message": "用户名/密码错误！", "data": None}
    # FROZEN_NOW is 2026-03-18 10:00 in the park's time zone.
    assert token_v1("2026-03-18")["status"] == 1
    assert token_v1("2026-03-17") == refused
    assert token_v1("2026-03-19") == refused
    # A client whose clock is a few minutes ahead has already turned the date...
    frozen_clock.move_to(dt.datetime(2026, 3, 18, 23, 55, tzinfo=SHANGHAI))
    assert token_v1("2026-03-19")["status"] == 1
    assert token_v1("2026-03-18")["status"] == 1
    # ...one a few minutes behind has not yet.
    frozen_clock.move_to(dt.datetime(2026, 3, 19, 0, 5, tzinfo=SHANGHAI))
    assert token_v1("2026-03-18")["status"] == 1
    frozen_clock.move_to(dt.datetime(2026, 3, 19, 1, 0, tzinfo=SHANGHAI))
    assert token_v1("2026-03-18") == refused
    assert token_v1("2026-03-19")["status"] == 1


def test_token_v1_refuses_as_the_plain_token_does(park, frozen_clock, settings):
    password = "V1!Refuse2026"
    user = factories.user("v1_refused_tool", password=password, park_role="park_admin")
    http = Client(HTTP_HOST="park.localhost")
    today = "2026-03-18"
    refused = {"status": -2, "message": "用户名/密码错误！", "data": None}

    def post(path: str, body: dict) -> dict:
        return http.post(path, body, content_type="application/json").json()

    assert post("/identity/token/v1", {"username": "v1_refused_tool", "password": password}) == refused
    assert post(
        "/identity/token/v1", {"username": "nobody_here", "password": v1_digest(password, today)}
    ) == (refused)
    assert post("/identity/token/v1", {}) == refused
    # An inactive account.
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert post(
        "/identity/token/v1", {"username": "v1_refused_tool", "password": v1_digest(password, today)}
    ) == (refused)
    user.is_active = True
    user.save(update_fields=["is_active"])
    # Failures count toward the login lockout, on either endpoint.
    for _attempt in range(settings.LOGIN_MAX_FAILURES):
        assert post("/identity/token/v1", {"username": "v1_refused_tool", "password": "0" * 64}) == refused
    right = {"username": "v1_refused_tool", "password": v1_digest(password, today)}
    assert post("/identity/token/v1", right) == refused
    assert post("/identity/token", {"username": "v1_refused_tool", "password": password}) == refused
    frozen_clock.shift(dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES, seconds=1))
    assert post("/identity/token/v1", right)["status"] == 1


def test_token_v1_works_for_an_account_whose_password_predates_it_after_one_plain_token(park, frozen_clock):
    from apps.sync.models import ApiPasswordDigest

    password = "V1!Before2026"
    factories.user("v1_older_tool", password=password, park_role="park_admin")
    ApiPasswordDigest.objects.filter(user__username="v1_older_tool").delete()
    http = Client(HTTP_HOST="park.localhost")
    v1 = {"username": "v1_older_tool", "password": v1_digest(password, "2026-03-18")}

    assert http.post("/identity/token/v1", v1, content_type="application/json").json()["status"] == -2
    plain = {"username": "v1_older_tool", "password": password}
    assert http.post("/identity/token", plain, content_type="application/json").json()["status"] == 1
    assert http.post("/identity/token/v1", v1, content_type="application/json").json()["status"] == 1
    # Kept encrypted: neither the password nor its sha256 is readable in the row.
    stored = ApiPasswordDigest.objects.get(user__username="v1_older_tool").digest
    assert hashlib.sha256(password.encode()).hexdigest() not in stored and password not in stored


# ---------------------------------------------------------------- templates
def test_template_query_returns_the_documented_fields_as_created(tool):
    version = new_version()
    created = documented_template(version)
    assert tool.post("/snms/api/v5/template", created) == {"status": 1, "message": "success", "data": True}

    reply = tool.get("/snms/api/v5/template", prefix=PREFIX, version=version)

    assert reply["status"] == 1
    got = reply["data"]
    for field in (
        "prefix",
        "version",
        "industryCategory",
        "industrySpecific",
        "industryTrade",
        "industrySubclass",
        "type",
        "description",
    ):
        assert got[field] == created[field], field
    assert len(got["items"]) == len(created["items"])
    for sent, back in zip(created["items"], got["items"], strict=True):
        assert back["idIndex"] == int(sent["idIndex"])
        assert isinstance(back["idIndex"], int)
        for field in ("idType", "name", "required", "metadata"):
            assert back[field] == sent[field], (sent["idType"], field)
        assert back["state"] == 1


def test_template_edit_may_loosen_and_publishes_a_new_version_under_the_same_name(tool, enterprise_a):
    from apps.identifiers.models import Identifier
    from apps.metadata.choices import VersionStatus
    from apps.metadata.models import TemplateVersion

    version = new_version()
    tool.post("/snms/api/v5/template", documented_template(version))
    first = new_handle()
    assert tool.post("/identityv2/data", identifier_body(first, version, "八个字的名称"))["status"] == 1
    old = Identifier.objects.get(handle=first)
    old_version = old.template_version
    too_long = "这是一个十五个字的对象名称啊啊"
    refused = tool.post("/identityv2/data", identifier_body(new_handle(), version, too_long))
    assert refused["status"] == -2

    # template.md 修改数据模板: one item changed (maxLength 10 → 20, no longer required), one added.
    edit = documented_template(
        version,
        items=[
            {
                "name": "名称",
                "idType": "name",
                "idIndex": 2000,
                "required": False,
                "state": 1,
                "metadata": {"type": "string", "minLength": 1, "maxLength": 20},
            },
            {
                "name": "颜色",
                "idType": "color",
                "state": 1,
                "metadata": {"type": "string", "minLength": 0, "maxLength": 10},
            },
        ],
    )
    assert tool.request("PUT", "/snms/api/v5/template", edit) == {
        "status": 1,
        "message": "success",
        "data": True,
    }

    items = {
        i["idType"]: i
        for i in tool.get("/snms/api/v5/template", prefix=PREFIX, version=version)["data"]["items"]
    }
    assert items["name"]["metadata"]["maxLength"] == 20 and items["name"]["required"] is False
    assert items["color"]["idIndex"] == 2002 and items["url"]["state"] == 1
    # History stays: the version the first identifier was registered under is unchanged.
    old_version.refresh_from_db()
    assert old_version.status == VersionStatus.PUBLISHED
    assert {i["code"]: i["constraints"].get("max_length") for i in old_version.effective_items}["name"] == 10
    versions = TemplateVersion.objects.filter(template=old_version.template, status=VersionStatus.PUBLISHED)
    assert versions.count() == 2
    # Written through SNMS afterwards: validated against the edited template.
    handle = new_handle()
    assert tool.post("/identityv2/data", identifier_body(handle, version, too_long))["status"] == 1
    assert Identifier.objects.get(handle=handle).template_version.number == old_version.number + 1
    # The older identifier keeps its version (and stays valid) until it is written again.
    old.refresh_from_db()
    assert old.template_version_id == old_version.pk
    assert tool.get("/identityv2/data/detail", handle=old.handle)["data"]["templateVersion"] == version
    assert (
        tool.request("PUT", "/identityv2/data", identifier_body(old.handle, version, too_long))["status"] == 1
    )
    old.refresh_from_db()
    assert old.template_version.number == old_version.number + 1


def test_deleting_a_template_whose_identifiers_are_all_deleted(tool):
    emptied, used = new_version(), new_version()
    for version in (emptied, used):
        assert tool.post("/snms/api/v5/template", documented_template(version))["status"] == 1
    gone, live = new_handle(), new_handle()
    assert tool.post("/identityv2/data", identifier_body(gone, emptied, "待删除"))["status"] == 1
    assert tool.post("/identityv2/data", identifier_body(live, used, "在用"))["status"] == 1
    assert tool.request("DELETE", "/identityv2/data", {"handle": gone})["status"] == 1

    deleted = tool.request("DELETE", "/snms/api/v5/template", {"prefix": PREFIX, "version": emptied})
    refused = tool.request("DELETE", "/snms/api/v5/template", {"prefix": PREFIX, "version": used})

    assert deleted == {"status": 1, "message": "success", "data": True}
    assert tool.get("/snms/api/v5/template", prefix=PREFIX, version=emptied)["status"] == -2
    assert refused["status"] == -2 and "已被标识使用" in refused["message"]
    assert tool.get("/snms/api/v5/template", prefix=PREFIX, version=used)["status"] == 1


# ---------------------------------------------------------------- identifiers
def test_detail_answers_the_template_version_the_client_registered_with(tool, enterprise_a, admin_a):
    from apps.metadata.exchange import snms_version_name

    version = new_version()
    tool.post("/snms/api/v5/template", documented_template(version))
    handle = new_handle()
    tool.post("/identityv2/data", identifier_body(handle, version, "小型机械01"))

    data = tool.get("/identityv2/data/detail", handle=handle)["data"]

    assert data["templateVersion"] == version
    assert {v["index"]: v["data"]["value"] for v in data["value"]}[1001] == version
    # One registered in the portal answers the name the SNMS API takes back for its version.
    portal = registry.register(enterprise_a, admin_a, 1)
    data = tool.get("/identityv2/data/detail", handle=portal.handle)["data"]
    assert data["templateVersion"] == snms_version_name(portal.template_version)
    values = [
        {"auth": "", "index": v["index"], "type": v["type"], "data": v["data"]}
        for v in data["value"]
        if v["index"] >= 2000
    ]
    again = {"handle": portal.handle, "templateVersion": data["templateVersion"], "value": values}
    assert tool.request("PUT", "/identityv2/data", again)["status"] == 1


def test_detail_needs_a_token_like_every_snms_call(tool, park_client):
    version = new_version()
    tool.post("/snms/api/v5/template", documented_template(version))
    handle = new_handle()
    tool.post("/identityv2/data", identifier_body(handle, version, "小型机械01"))
    unauthenticated = {"status": -1, "message": "没有登录，需要验证", "data": None}

    anonymous = park_client.get("/identityv2/data/detail", {"handle": handle})
    forged = park_client.get(
        "/identityv2/data/detail", {"handle": handle}, HTTP_AUTHORIZATION="Bearer forged"
    )
    drf_style = park_client.get(
        "/identityv2/data/detail", {"handle": handle}, HTTP_AUTHORIZATION="Token forged"
    )

    for response in (anonymous, forged, drf_style):
        assert response.status_code == 401 and response.json() == unauthenticated
    assert tool.get("/identityv2/data/detail", handle=handle)["status"] == 1
    missing = tool.get("/identityv2/data/detail")
    assert missing == {"status": -2, "message": "缺少必要的请求参数: handle", "data": None}
    unknown = tool.get("/identityv2/data/detail", handle=f"{PREFIX}/none-such")
    assert unknown["status"] == -2 and unknown["data"] is None
    # The public reads stay public.
    assert park_client.get(f"/api/handles/{handle}").status_code == 200
    assert park_client.get(f"/{handle}", HTTP_ACCEPT="application/json").status_code == 200


def test_a_batch_naming_one_handle_twice_answers_exists_for_the_second(tool):
    version = new_version()
    tool.post("/snms/api/v5/template", documented_template(version))
    first, other = new_handle(), new_handle()

    reply = tool.post(
        "/identityv2/data/batchCreate",
        [
            identifier_body(first, version, "小型机械01"),
            identifier_body(first, version, "小型机械02"),
            identifier_body(other, version, "小型机械03"),
        ],
    )

    assert reply["status"] == 1
    assert [(r["handle"], r["msg"]) for r in reply["data"]] == [
        (first, "success"),
        (first, "标识已存在"),
        (other, "success"),
    ]
