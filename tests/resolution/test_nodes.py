"""Across real processes: cache invalidation reaches every server process, and recursive
resolution asks a second instance of this project as the upstream resolver."""

import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from apps.identifiers.services import identifier_register
from apps.resolution import cache
from tests.resolution import nodes


@pytest.fixture(scope="module")
def upstream(django_db_setup, django_db_blocker):
    base = connection.settings_dict
    name = nodes.create_upstream_database(base)
    env = nodes.node_env(nodes.database_url(name, base), key_prefix="pp-test-upstream", PARK_CODE="202")
    nodes.manage(env, "bootstrap")
    nodes.manage(env, "shell", "-c", nodes.UPSTREAM_SEED)
    server = nodes.Server(env, workers=1, host="127.0.0.1")
    yield server
    server.stop()
    nodes.drop_database(base, name)


@pytest.fixture
def local_node(upstream, transactional_db, park):
    """This node on the test database (same Redis key space as the test process)."""
    env = nodes.node_env(
        nodes.database_url(connection.settings_dict["NAME"], connection.settings_dict),
        key_prefix=settings.CACHES["default"]["KEY_PREFIX"],
        UPSTREAM_RESOLVER_URL=upstream.url,
    )
    server = nodes.Server(env, workers=2)
    yield server
    server.stop()


def _value(node, handle):
    """(status, the "name" value) as the node answers."""
    status, body = node.json(f"/api/handles/{handle}")
    if status != 200:
        return status, None
    return status, next(v["data"]["value"] for v in body["values"] if v["type"] == "name")


@pytest.mark.django_db(transaction=True)
def test_no_stale_value_in_other_processes_after_update_or_withdrawal(local_node, enterprise_a, admin_a):
    from apps.identifiers.services import identifier_update, identifier_withdraw
    from tests.resolution.test_restricted import product, seed_mfg

    mfg = seed_mfg(enterprise_a)
    lamp = identifier_register(
        actor=admin_a, enterprise=enterprise_a, template_version=mfg, values=product(1)
    )
    # warm both worker processes' in-process caches (several requests spread over workers)
    assert {_value(local_node, lamp.handle) for _ in range(8)} == {(200, "干式变压器1")}

    # the registry's service commits and invalidates (on commit); the very next request to any
    # worker process answers the new value: no worker serves its old in-process copy
    identifier_update(actor=admin_a, identifier=lamp, values=product(1, name="新名称"))
    assert {_value(local_node, lamp.handle) for _ in range(8)} == {(200, "新名称")}

    identifier_withdraw(actor=admin_a, identifier=lamp, reason="报废")
    assert {_value(local_node, lamp.handle)[0] for _ in range(8)} == {404}


@pytest.mark.django_db(transaction=True)
def test_new_registration_visible_in_other_processes_after_cached_not_found(
    local_node, enterprise_a, admin_a
):
    from apps.identifiers import handles
    from tests.resolution.test_restricted import product, seed_mfg

    mfg = seed_mfg(enterprise_a)
    handle = f"88.101.ALPHA/{handles.suffix_with_check('NEW1')}"
    assert {local_node.get(f"/api/handles/{handle}")[0] for _ in range(8)} == {404}  # "not found" cached
    identifier_register(
        actor=admin_a, enterprise=enterprise_a, template_version=mfg, values=product(5), object_code="NEW1"
    )
    assert {_value(local_node, handle) for _ in range(8)} == {(200, "干式变压器5")}


@pytest.mark.django_db(transaction=True)
def test_recursive_resolution_through_a_second_node(local_node, upstream):
    # directly at the upstream: it is authoritative for 88.202
    status, body = upstream.json("/api/handles/88.202.up/Pump-7")
    assert status == 200 and body["values"][0]["data"]["value"] == "上级泵站"

    # through this node (a real server process configured with the upstream)
    status, body = local_node.json("/api/handles/88.202.UP/Pump-7")
    assert status == 200
    assert body["responseCode"] == 1
    assert body["handle"] == "88.202.up/Pump-7"
    assert body["values"][0]["data"]["value"] == "上级泵站"
    status, body = local_node.json("/api/handles/88.202.up/none")
    assert (status, body["responseCode"]) == (404, 100)
    # neither node is responsible for 88.999: the upstream's answer is passed on
    status, body = local_node.json("/api/handles/88.999.x/y")
    assert (status, body["responseCode"]) == (400, 301)
    page_status, _headers, page = local_node.get("/88.202.up/Pump-7", {"Accept": "text/html"})
    assert page_status == 200 and "上级泵站" in page.decode()


@pytest.mark.django_db(transaction=True)
def test_upstream_answer_cached_for_its_ttl(park_client, upstream):
    with override_settings(UPSTREAM_RESOLVER_URL=upstream.url):
        response = park_client.get("/api/handles/88.202.up/Pump-7")
        assert response.status_code == 200
        ttl = cache.redis_client().ttl(cache.record_key("up:88.202.up/Pump-7"))
        assert 0 < ttl <= 120  # the value TTL given by the upstream
    # cached: answered again even with the upstream switched off
    with override_settings(UPSTREAM_RESOLVER_URL="http://127.0.0.1:9"):
        assert park_client.get("/api/handles/88.202.up/Pump-7").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_cached_upstream_answer_is_not_served_for_another_suffix_case(park_client, upstream):
    with override_settings(UPSTREAM_RESOLVER_URL=upstream.url):
        assert park_client.get("/api/handles/88.202.UP/Pump-7").status_code == 200  # now cached
        # the prefix is case-insensitive: the cached answer serves it
        assert park_client.get("/api/handles/88.202.up/Pump-7").json()["handle"] == "88.202.up/Pump-7"
        # the suffix is not: another handle, asked of the upstream, which does not know it
        response = park_client.get("/api/handles/88.202.up/pump-7")
        assert (response.status_code, response.json()["responseCode"]) == (404, 100)


def test_node_database_url_round_trips_a_unix_socket_host():
    # embedded PostgreSQL (pgserver) is reached through a socket directory, not host:port
    import dj_database_url

    base = {"HOST": "/work/main/var/pg", "PORT": "", "USER": "postgres", "PASSWORD": "p@ss"}
    parsed = dj_database_url.parse(nodes.database_url("pp_x", base))
    assert (parsed["HOST"], parsed["NAME"], parsed["PASSWORD"]) == ("/work/main/var/pg", "pp_x", "p@ss")
    tcp = dj_database_url.parse(nodes.database_url("pp_y", {"HOST": "127.0.0.1", "PORT": 5432}))
    assert (tcp["HOST"], tcp["PORT"], tcp["NAME"]) == ("127.0.0.1", 5432, "pp_y")


@pytest.mark.django_db(transaction=True)
def test_an_answer_from_the_upstream_closes_the_circuit_breaker(park_client, upstream):
    from apps.resolution import selectors

    unknown = [f"88.202.up/{uuid.uuid4().hex}" for _ in range(3)]  # never cached before
    with override_settings(UPSTREAM_RESOLVER_URL=upstream.url):
        selectors.upstream_breaker.failed("an earlier failure")
        assert park_client.get(f"/api/handles/{unknown[0]}").status_code == 502  # open: not asked
        selectors.upstream_breaker.open_until = 1.0  # the failure window is over
        response = park_client.get(f"/api/handles/{unknown[1]}")
        assert (response.status_code, response.json()["responseCode"]) == (404, 100)  # its answer
        # closed again: the next request is asked at once, not held back as during a try
        response = park_client.get(f"/api/handles/{unknown[2]}")
        assert (response.status_code, response.json()["responseCode"]) == (404, 100)


@pytest.mark.django_db(transaction=True)
def test_template_rename_reaches_every_process_at_once(local_node, enterprise_a):
    """A change reaching records through a join (``cache.invalidate_all``): every worker drops
    its in-process copies, not only the process that made the change."""
    from apps.metadata.services import template_update
    from tests.resolution import builders

    item = builders.identifier(enterprise_a, "Linked-9", default_link="https://shop.example.com/p/{suffix}")

    def template_names():
        """(status, template name shown) of 8 requests spread over the node's workers."""
        names = set()
        for _ in range(8):
            status, _headers, body = local_node.get(
                "/88.101.alpha/Linked-9?redirect=0", {"Accept": "text/html"}
            )
            html = body.decode()
            names.add(
                (
                    status,
                    "智能路灯模板" if "智能路灯模板" in html else "路灯模板" if "路灯模板" in html else None,
                )
            )
        return names

    assert template_names() == {(200, "路灯模板")}  # every worker has the record in memory
    template_update(template=item.template_version.template, name="智能路灯模板")
    assert template_names() == {(200, "智能路灯模板")}
