"""The SNMS v5 API this node serves, exercised over HTTP on the second node with our client."""

from __future__ import annotations

import pytest
import requests

from apps.sync.client import AuthError, BusinessError, SnmsClient
from tests.sync.node import API_PASSWORD, API_USER

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(up, upstream_prefixes):
    return SnmsClient(base_url=up.url, username=API_USER, password=API_PASSWORD, timeout=10)


def test_token_is_valid_24_hours_and_a_wrong_password_is_refused(up):
    reply = requests.post(
        f"{up.url}/identity/token", json={"username": API_USER, "password": "nope"}, timeout=10
    )
    assert reply.json() == {"status": -2, "message": "用户名/密码错误！", "data": None}
    reply = requests.post(
        f"{up.url}/identity/token", json={"username": API_USER, "password": API_PASSWORD}, timeout=10
    )
    body = reply.json()
    assert body["status"] == 1 and body["message"] == "success" and body["data"]["token"]
    (hours,) = up.sql(
        "SELECT round(extract(epoch FROM expires_at - created_at) / 3600) FROM sync_apitoken ORDER BY id DESC LIMIT 1"
    )[0]
    assert int(hours) == 24
    missing = requests.get(f"{up.url}/snms/api/prefix/page", timeout=10)
    assert missing.status_code == 401 and missing.json()["status"] == -1


def test_expired_token_is_refreshed_once_by_the_client(client, up):
    client.login()
    up.sql("UPDATE sync_apitoken SET expires_at = now() - interval '1 minute'")
    page = client.prefix_page(page_size=1)
    assert page["totalElements"] >= 2 and page["numberOfElements"] == 1 and page["size"] == 1


def test_wrong_credentials_raise_auth_error(up):
    with pytest.raises(AuthError, match="用户名/密码错误"):
        SnmsClient(base_url=up.url, username=API_USER, password="wrong").prefix_page()


def test_prefix_query_and_paging(client, upstream_prefixes):
    data = client.prefix_query("88.101.ALPHA")
    assert data["prefix"] == "88.101.ALPHA" and data["status"] == 1 and data["entNameCn"]
    assert set(data) >= {"prefix", "createDate", "ghrName", "status", "entNameCn", "entAddrCn", "entDesc"}
    first = client.prefix_page(current_page=1, page_size=1, entPrefix="88.101.")
    second = client.prefix_page(current_page=2, page_size=1, entPrefix="88.101.")
    assert first["first"] is True and second["number"] == 2
    assert first["content"][0]["entPrefix"] != second["content"][0]["entPrefix"]
    assert set(first["content"][0]) >= {
        "id",
        "createDate",
        "updateDate",
        "entPrefix",
        "entId",
        "state",
        "entName",
    }


def test_a_typed_park_template_travels_as_strings_and_maps_back(client, up, park):
    from apps.metadata.demo import ensure_seed_templates
    from apps.metadata.selectors import effective_items, template_current_version
    from apps.sync.services import template_body

    road = template_current_version(ensure_seed_templates()["PARK-ROAD"])
    body = template_body(road, prefix="88.101.ALPHA", version="PARK-ROAD-v1-tpl")
    client.template_create(body)

    got = client.template_get("88.101.ALPHA", "PARK-ROAD-v1-tpl")
    assert got["prefix"] == "88.101.ALPHA" and got["version"] == "PARK-ROAD-v1-tpl"
    ours = {i["code"]: i for i in effective_items(road) if i["is_public"]}
    assert {i["idType"] for i in got["items"]} == set(ours)
    for item in got["items"]:
        assert item["metadata"]["type"] == "string" and item["idIndex"] >= 2000
    # Upstream the items are typed again, as ours are.
    rows = up.sql(
        "SELECT i.code, i.item_type FROM metadata_templateitem i JOIN sync_snmstemplatebinding b "
        "ON b.template_version_id = i.version_id WHERE b.version = %s",
        ["PARK-ROAD-v1-tpl"],
    )
    assert dict(rows) == {code: item["item_type"] for code, item in ours.items()}
    # Restricted (grade 2) items never leave the park.
    assert "inspection_file" not in {i["idType"] for i in got["items"]}
    with pytest.raises(BusinessError, match="模板已存在"):
        client.template_create(body)


def test_a_documented_string_template_from_a_tool(client, up):
    body = {
        "prefix": "88.101.ALPHA",
        "version": "tool-1.0.0",
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
                "required": True,
                "metadata": {"type": "string", "minLength": 1, "maxLength": 10},
            },
        ],
    }
    client.template_create(body)
    got = client.template_get("88.101.ALPHA", "tool-1.0.0")
    assert got["items"][0]["idType"] == "name" and got["items"][0]["metadata"]["maxLength"] == 10

    low = dict(body, version="tool-bad", items=[dict(body["items"][0], idIndex=1001)])
    with pytest.raises(BusinessError, match="预留索引|2000"):
        client.template_create(low)
    # PUT adds an item and disables none silently; the version may not be new.
    put = dict(
        body,
        items=[
            {
                "name": "型号",
                "idType": "model",
                "idIndex": 2001,
                "state": 1,
                "metadata": {"type": "string", "minLength": 0, "maxLength": 20},
            }
        ],
    )
    client.template_update(put)
    got = client.template_get("88.101.ALPHA", "tool-1.0.0")
    assert {i["idType"] for i in got["items"]} == {"name", "model"}


def test_another_enterprises_prefix_is_forbidden_for_an_enterprise_account(up, upstream_prefixes):
    up.manage(
        "shell",
        "-c",
        (
            "from apps.accounts.models import User, Membership;"
            "from apps.tenants.models import Enterprise;"
            "u,_=User.objects.get_or_create(username='ent_beta_api');u.set_password('Beta!Api2026');u.save();"
            "Membership.objects.get_or_create(user=u, enterprise=Enterprise.objects.get(code__iexact='beta'),"
            " defaults={'role':'enterprise_admin'})"
        ),
    )
    beta = SnmsClient(base_url=up.url, username="ent_beta_api", password="Beta!Api2026")
    assert beta.prefix_query("88.101.BETA")["prefix"] == "88.101.BETA"
    body = {"handle": "88.101.ALPHA/x1", "templateVersion": "tool-1.0.0", "value": []}
    with pytest.raises(AuthError, match="没有权限"):
        beta.identifier_create(body)
    (result,) = beta.batch_create([body])
    assert result["handle"] == "88.101.ALPHA/x1" and result["code"] == -3 and "没有权限" in result["msg"]


def _tool_template(client):
    if client.template_get("88.101.ALPHA", "tool-2.0") is None:
        client.template_create(
            {
                "prefix": "88.101.ALPHA",
                "version": "tool-2.0",
                "industryCategory": "A",
                "industrySpecific": "01",
                "industryTrade": "011",
                "industrySubclass": "0111",
                "type": 1,
                "items": [
                    {
                        "name": "名称",
                        "idType": "name",
                        "idIndex": 2000,
                        "required": True,
                        "metadata": {"type": "string", "minLength": 1, "maxLength": 10},
                    },
                    {
                        "name": "网址",
                        "idType": "url",
                        "idIndex": 2001,
                        "metadata": {"type": "string", "minLength": 0, "maxLength": 100},
                    },
                ],
            }
        )


def _body(handle, name, url="www.001.com", **extra):
    return {
        "handle": handle,
        "templateVersion": "tool-2.0",
        "value": [
            {"data": {"format": "string", "value": name}, "auth": "", "index": 2000, "type": "name"},
            {"data": {"format": "string", "value": url}, "auth": "", "index": 2001, "type": "url"},
        ],
        **extra,
    }


def test_identifier_writes_answer_per_item_as_documented(client, up):
    import uuid

    _tool_template(client)
    tag = uuid.uuid4().hex[:6]
    h1, h2, h3, h4 = (f"88.101.ALPHA/{tag}{n}" for n in range(4))
    client.identifier_create(_body(h1, "小型机械01"))

    results = client.batch_create(
        [
            _body(h2, "小型机械02"),
            _body(h1, "重复"),
            _body(h3, "这个名称超过了十个字符的上限"),
            dict(
                _body(h4, "x"),
                value=[{"index": 1001, "type": "TEMPLATE", "data": {"format": "string", "value": "1"}}],
            ),
        ]
    )

    assert [r["handle"] for r in results] == [h2, h1, h3, h4]
    assert results[0]["msg"] == "success"
    assert results[1]["msg"] == "标识已存在"
    assert "名称" in results[2]["msg"] or "10" in results[2]["msg"]
    assert "1001" in results[3]["msg"]
    # What was registered reads back (resolution's detail read) with the same values.
    detail = client.identifier_detail(h2)
    got = {v["type"]: v["data"]["value"] for v in detail["value"] if v["index"] >= 2000}
    assert got == {"name": "小型机械02", "url": "www.001.com"}
    assert client.identifier_detail(h3) is None

    client.identifier_update(_body(h2, "小型机械02改"))
    got = {v["type"]: v["data"]["value"] for v in client.identifier_detail(h2)["value"] if v["index"] >= 2000}
    assert got["name"] == "小型机械02改"
    (missing,) = client.batch_update([_body(f"88.101.ALPHA/{tag}none", "无")])
    assert missing["msg"] == "没有找到标识"
    with pytest.raises(BusinessError, match="2000"):
        client.batch_create([_body(f"88.101.ALPHA/{tag}b{n}", "批") for n in range(2001)])
    # Every registration is audited upstream under the API account.
    audited = up.sql(
        "SELECT count(*) FROM audit_auditentry WHERE object_repr = %s AND actor = %s", [h2, API_USER]
    )
    assert audited and audited[0][0] >= 1


def test_delete_withdraws_and_a_second_delete_says_not_found(client, up):
    import uuid

    _tool_template(client)
    tag = uuid.uuid4().hex[:6]
    h1, h2, h3 = (f"88.101.ALPHA/d{tag}{n}" for n in range(3))
    for handle in (h1, h2, h3):
        client.identifier_create(_body(handle, "待删除"))

    client.identifier_delete(h1)
    with pytest.raises(BusinessError) as refused:
        client.identifier_delete(h1)
    assert refused.value.message.endswith(": 没有找到标识")  # the single DELETE's documented wording
    results = client.batch_delete([h2, h3, h1])

    assert [(r["handle"], r["code"]) for r in results] == [(h2, 1), (h3, 1), (h1, -2)]
    assert results[2]["msg"] == "标识不存在"
    assert client.identifier_detail(h2) is None
    # 注销 keeps the row (a handle is never reused) and audits it.
    assert up.identifier_values(h2)[0] == "withdrawn"
    audited = up.sql(
        "SELECT count(*) FROM audit_auditentry WHERE object_repr = %s AND action = 'identifier.withdraw'",
        [h3],
    )
    assert audited[0][0] == 1


def test_the_applying_account_becomes_an_audited_member_upstream(up, upstream_prefixes):
    rows = up.sql(
        "SELECT m.role FROM accounts_membership m JOIN accounts_user u ON u.id = m.user_id "
        "JOIN tenants_enterprise e ON e.id = m.enterprise_id WHERE u.username = %s AND e.code = 'ALPHA'",
        [API_USER],
    )
    assert rows == [("enterprise_admin",)]
    audited = up.sql(
        "SELECT count(*) FROM audit_auditentry WHERE action = 'membership.snms_applicant' AND object_repr = %s",
        [f"{API_USER} @ ALPHA"],
    )
    assert audited == [(1,)]
    tokens = up.sql(
        "SELECT count(*) FROM sync_apitoken t JOIN accounts_user u ON u.id = t.user_id WHERE u.username = %s",
        [API_USER],
    )
    assert tokens[0][0] >= 1  # issued by the service, only the hash kept


def test_an_enterprise_application_names_the_first_missing_documented_field(client, up):
    from tests.sync.applications import documented_application

    body = documented_application(
        name="缺字段科技有限公司",
        credit_code="91320594MA1R7Y3F99",
        prefix="88.101.MISSING",
        contact_name="李四",
        contact_phone="13900000000",
        contact_email="li@example.com",
    )
    cases = [
        ({k: v for k, v in body.items() if k != "sysUser"}, "sysUser"),
        (dict(body, entBasicInfo=dict(body["entBasicInfo"], legalName="")), "entBasicInfo.legalName"),
        (dict(body, entBasicInfo=dict(body["entBasicInfo"], orgNature=9)), "entBasicInfo.orgNature"),
        (
            dict(
                body,
                entRegisterManageInfo=dict(
                    body["entRegisterManageInfo"], entInfoSyses=[{"sysType": 1, "deployMode": 1}]
                ),
            ),
            "entInfoSyses[0].deployAddrProvince",
        ),
        (
            dict(
                body,
                entRegisterManageInfo=dict(
                    body["entRegisterManageInfo"],
                    entInfoSyses=body["entRegisterManageInfo"]["entInfoSyses"][:3],
                ),
            ),
            "系统部署类型 4",
        ),
    ]
    for bad, field in cases:
        with pytest.raises(BusinessError, match=field.replace("[", r"\[").replace("]", r"\]")):
            client.enterprise_apply(bad)
    assert up.sql("SELECT count(*) FROM tenants_enterprise WHERE lower(code) = 'missing'") == [(0,)]


def test_the_park_sends_every_documented_field_it_is_given(park, enterprise_a):
    from apps.identifiers.models import Prefix
    from apps.sync.server import ent_apply_problem
    from apps.sync.services import _application_body
    from tests.sync import registry
    from tests.sync.applications import KYC

    prefix = registry.park_prefix(enterprise_a)
    assert ent_apply_problem(_application_body(Prefix.objects.get(pk=prefix.pk), KYC)) == ""
    body = _application_body(prefix)
    assert body["sysUser"]["userName"] and len(body["sysUser"]["password"]) == 64
    assert (body["entBasicInfo"]["orgAddrProvince"], body["entBasicInfo"]["orgAddrCity"]) == (
        "320000",
        "320500",
    )
    # Without the KYC the park does not hold, the documented check names what is missing.
    assert ent_apply_problem(body) == "缺少必要的请求参数: entBasicInfo.orgNature"


def test_the_server_refuses_a_batch_of_more_than_2000_as_a_whole(client, up):
    """Posted directly (our client stops such a batch before sending it)."""
    import uuid

    _tool_template(client)
    token = client.login()
    tag = uuid.uuid4().hex[:6]
    headers = {"Authorization": f"Bearer {token}"}
    for method, path in (
        ("POST", "/identityv2/data/batchCreate"),
        ("PUT", "/identityv2/data/batchUpdate"),
    ):
        items = [_body(f"88.101.ALPHA/over{tag}{n}", "批") for n in range(2001)]
        reply = requests.request(method, f"{up.url}{path}", json=items, headers=headers, timeout=60)
        assert reply.json() == {"status": -2, "message": "批量操作最大支持2000条", "data": None}
    reply = requests.delete(
        f"{up.url}/identityv2/data/batchDelete",
        json=[f"88.101.ALPHA/over{tag}{n}" for n in range(2001)],
        headers=headers,
        timeout=60,
    )
    assert reply.json()["status"] == -2 and "2000" in reply.json()["message"]
    assert up.identifier_counts(f"88.101.ALPHA/over{tag}%") == {}  # nothing of it was written
    # 2000 is still one batch.
    items = [_body(f"88.101.ALPHA/max{tag}{n}", "批") for n in range(2000)]
    reply = requests.post(f"{up.url}/identityv2/data/batchCreate", json=items, headers=headers, timeout=300)
    assert reply.json()["status"] == 1 and len(reply.json()["data"]) == 2000


def test_a_token_is_stored_only_as_its_hash_and_expired_ones_go(park_admin):
    import datetime as dt
    import hashlib

    from django.utils import timezone

    from apps.sync.models import ApiToken
    from apps.sync.services import api_token_issue

    old = ApiToken.objects.create(
        user=park_admin, key_hash="0" * 64, expires_at=timezone.now() - dt.timedelta(minutes=1)
    )

    token = api_token_issue(user=park_admin)

    stored = ApiToken.objects.get(user=park_admin)  # the expired one was removed
    assert stored.pk != old.pk
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest() != token
    assert not ApiToken.objects.filter(key_hash=token).exists()
