"""SNMS templates over HTTP on the second node: POST/PUT/DELETE go through the metadata
services (validation, audit) and follow docs/openApi/v5/template.md; the body our client sends."""

from __future__ import annotations

import uuid

import pytest

from apps.sync.client import BusinessError, SnmsClient
from tests.sync.node import API_PASSWORD, API_USER

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(up, upstream_prefixes):
    return SnmsClient(base_url=up.url, username=API_USER, password=API_PASSWORD, timeout=10)


def _item(name, code, index=None, **extra):
    item = {"name": name, "idType": code, "metadata": {"type": "string", "minLength": 0, "maxLength": 20}}
    if index is not None:
        item["idIndex"] = index
    item.update(extra)
    return item


def _template(version, items):
    return {
        "prefix": "88.101.ALPHA",
        "version": version,
        "industryCategory": "C",
        "industrySpecific": "38",
        "industryTrade": "382",
        "industrySubclass": "3821",
        "type": 2,
        "description": "测试模板",
        "items": items,
    }


def _items(client, version):
    return {i["idType"]: i for i in client.template_get("88.101.ALPHA", version)["items"]}


def test_put_is_incremental_as_documented(client, up):
    version = f"put-{uuid.uuid4().hex[:6]}"
    client.template_create(_template(version, [_item("名称", "name", 2000), _item("型号", "model", 2005)]))

    # A new item without idIndex takes the next free index (not 2000 + its position).
    client.template_update(_template(version, [_item("颜色", "color", state=1)]))
    items = _items(client, version)
    assert items["color"]["idIndex"] == 2006 and items["color"]["state"] == 1
    assert {c: i["idIndex"] for c, i in items.items()} == {"name": 2000, "model": 2005, "color": 2006}

    # Disabling, then a change without state: the state stays as it was.
    client.template_update(_template(version, [_item("型号", "model", 2005, state=0)]))
    assert _items(client, version)["model"]["state"] == 0
    client.template_update(_template(version, [_item("产品型号", "model", 2005)]))
    items = _items(client, version)
    assert items["model"]["state"] == 0 and items["model"]["name"] == "产品型号"
    assert items["name"]["state"] == 1  # items left out are not touched

    # idIndex and idType must match for a change; a new idType may not repeat one in use.
    with pytest.raises(BusinessError, match="idIndex 2000.*name.*color"):
        client.template_update(_template(version, [_item("颜色", "color", 2000)]))
    with pytest.raises(BusinessError, match="color 已存在"):
        client.template_update(_template(version, [_item("颜色二", "color")]))
    assert set(_items(client, version)) == {"name", "model", "color"}

    # Through the metadata services: every version published and every item audited upstream.
    actions = dict(
        up.sql(
            "SELECT action, count(*) FROM audit_auditentry WHERE object_repr LIKE %s GROUP BY action",
            [f"%snms-88.101.ALPHA-{version}%"],
        )
    )
    assert actions.get("metadata.version.publish") == 4 and actions.get("metadata.item.add", 0) >= 3


def test_post_requires_the_documented_fields(client):
    version = f"req-{uuid.uuid4().hex[:6]}"
    with pytest.raises(BusinessError, match=r"items\[0\].idIndex"):
        client.template_create(_template(version, [_item("名称", "name")]))
    no_length = _item("名称", "name", 2000, metadata={"type": "string", "minLength": 1})
    with pytest.raises(BusinessError, match="maxLength"):
        client.template_create(_template(version, [no_length]))
    with pytest.raises(BusinessError, match="industryTrade"):
        client.template_create(dict(_template(version, [_item("名称", "name", 2000)]), industryTrade=""))
    with pytest.raises(BusinessError, match="预留"):
        client.template_create(_template(version, [_item("名称", "name", 1999)]))
    assert client.template_get("88.101.ALPHA", version) is None  # nothing was created


def test_delete_releases_an_unused_template_and_refuses_one_in_use(client, up):
    unused, used = (f"del-{uuid.uuid4().hex[:6]}" for _ in range(2))
    for version in (unused, used):
        client.template_create(_template(version, [_item("名称", "name", 2000, required=True)]))
    handle = f"88.101.ALPHA/del{uuid.uuid4().hex[:6]}"
    client.identifier_create(
        {
            "handle": handle,
            "templateVersion": used,
            "value": [
                {"auth": "", "index": 2000, "type": "name", "data": {"format": "string", "value": "x"}}
            ],
        }
    )

    client.call(
        "DELETE", "/snms/api/v5/template", json_body={"prefix": "88.101.ALPHA", "version": unused}, what="t"
    )

    assert client.template_get("88.101.ALPHA", unused) is None
    with pytest.raises(BusinessError, match="模板不存在"):
        client.call(
            "DELETE",
            "/snms/api/v5/template",
            json_body={"prefix": "88.101.ALPHA", "version": unused},
            what="t",
        )
    with pytest.raises(BusinessError, match="已被标识使用"):
        client.call(
            "DELETE", "/snms/api/v5/template", json_body={"prefix": "88.101.ALPHA", "version": used}, what="t"
        )
    assert client.template_get("88.101.ALPHA", used) is not None
    assert up.sql(
        "SELECT count(*) FROM audit_auditentry WHERE action = 'metadata.snms_template_delete' AND object_repr = %s",
        [f"88.101.ALPHA {unused}"],
    ) == [(1,)]


def test_client_template_body_carries_every_documented_field(park, enterprise_a):
    from apps.metadata import services as metadata
    from apps.metadata.choices import ObjectCategory, TemplateLevel
    from apps.metadata.demo import ensure_seed_templates
    from apps.metadata.selectors import template_current_version
    from apps.sync.services import template_body
    from tests.sync import registry

    seeds = ensure_seed_templates()
    registry.park_prefix(enterprise_a)
    # A park template without any industry code and an item without a length rule.
    bare = metadata.template_create(
        code=f"BARE-{uuid.uuid4().hex[:4]}",
        name="无行业模板",
        level=TemplateLevel.PARK,
        category=ObjectCategory.GENERAL,
        parent=seeds["CN-CORE"],
    )
    draft = bare.versions.get()
    metadata.template_item_add(version=draft, name="备注", code="remark", index=2100)
    metadata.template_version_publish(version=draft)

    for tv in (template_current_version(seeds["PARK-ROAD"]), template_current_version(bare)):
        body = template_body(tv, prefix="88.101.ALPHA", version="v")
        sector, division, group, klass = (
            body[k] for k in ("industryCategory", "industrySpecific", "industryTrade", "industrySubclass")
        )
        assert sector.isalpha() and len(sector) == 1
        assert (
            len(division) == 2 and group.startswith(division) and klass.startswith(group) and len(klass) == 4
        )
        assert body["type"] in (1, 2) and body["items"]
        for item in body["items"]:
            meta = item["metadata"]
            assert meta["type"] == "string"
            assert isinstance(meta["minLength"], int) and isinstance(meta["maxLength"], int)
            assert 0 <= meta["minLength"] <= meta["maxLength"] <= 255
    remark = next(i for i in body["items"] if i["idType"] == "remark")
    assert (remark["metadata"]["minLength"], remark["metadata"]["maxLength"]) == (0, 255)
    assert body["industryCategory"] != ""
