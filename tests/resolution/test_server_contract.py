"""The resolution server (granian, apps.resolution.server, under ASGI and under RSGI) and the
Django views answer the same table of requests alike: equal status, byte-identical bodies, equal headers that matter. And a
write through the portal's services is served by the resolution server at once."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings

from apps.identifiers.services import identifier_register
from apps.resolution.server import POOL_APPLICATION_NAME
from tests.resolution import builders, nodes
from tests.sync.node import free_port

RATE = "5/h"  # an hour window: the table cannot straddle its end
UPSTREAM_DOWN = f"http://127.0.0.1:{free_port()}"  # nothing listens there
COMPARED = (
    "content-type", "location", "link", "vary", "retry-after", "www-authenticate", "allow",
    "access-control-allow-origin", "access-control-expose-headers", "access-control-allow-methods",
    "access-control-allow-headers", "access-control-max-age", "content-language", "x-request-id",
)  # fmt: skip
LAMP = "/api/handles/88.101.alpha/Lamp-1"
HTML = {"Accept": "text/html,application/xhtml+xml,*/*"}

# (name, method, path, headers)
TABLE = [
    ("found", "GET", LAMP, {}),
    ("prefix case", "GET", "/api/handles/88.101.ALPHA/Lamp-1", {}),
    ("suffix case", "GET", "/api/handles/88.101.alpha/lamp-1", {}),
    ("not found", "GET", "/api/handles/88.101.alpha/nothing", {}),
    ("withdrawn", "GET", "/api/handles/88.101.alpha/old", {}),
    ("malformed", "GET", "/api/handles/88.101.alpha", {}),
    ("upstream down", "GET", "/api/handles/88.999.far/x", {}),
    ("index filter", "GET", LAMP + "?index=2000&index=1", {}),
    ("type filter", "GET", LAMP + "?type=power", {}),
    ("no value matches", "GET", LAMP + "?index=9999", {}),
    ("auth=true refused", "GET", LAMP + "?auth=true", {}),
    ("bad token refused", "GET", LAMP + "?auth=true", {"Authorization": "Token nope"}),
    ("HEAD", "HEAD", LAMP, {}),
    ("preflight", "OPTIONS", LAMP, {"Origin": "https://x.example", "Access-Control-Request-Method": "GET"}),
    ("method not allowed", "DELETE", LAMP, {}),
    ("request id", "GET", LAMP, {"X-Request-ID": "abc-123"}),
    ("page json", "GET", "/88.101.alpha/Lamp-1", {"Accept": "application/json"}),
    ("page json not found", "GET", "/88.101.alpha/nothing", {"Accept": "application/json"}),
    ("page linkset", "GET", "/88.101.alpha/Linked-9?linkType=linkset", {}),
    ("page linkset accept", "GET", "/88.101.alpha/Linked-9", {"Accept": "application/linkset+json"}),
    ("page redirect", "GET", "/88.101.alpha/Linked-9?utm=qr&lot=7", HTML),
    ("page redirect HEAD", "HEAD", "/88.101.alpha/Linked-9", HTML),
    (
        "page json in English",
        "GET",
        "/88.101.alpha/nothing",
        {"Accept": "application/json", "Cookie": "django_language=en"},
    ),
    ("page preflight", "OPTIONS", "/88.101.alpha/Lamp-1", {}),
]
HTML_TABLE = [  # rendered by Django in both: status and the headers, not the page's bytes
    ("page html", "GET", "/88.101.alpha/Lamp-1", HTML),
    ("page html not found", "GET", "/88.101.alpha/nothing", HTML),
    ("page no redirect", "GET", "/88.101.alpha/Linked-9?redirect=0", HTML),
]


@pytest.fixture
def registry(transactional_db, enterprise_a):
    builders.identifier(enterprise_a, "Lamp-1")
    builders.identifier(enterprise_a, "old", status="withdrawn")
    builders.identifier(
        enterprise_a, "Linked-9", default_link="https://shop.example.com/p/{suffix}?from={prefix}"
    )


@pytest.fixture(params=["asgi", "rsgi"])
def resolution_server(request, transactional_db, park):
    """The server under granian, once per interface: ASGI (``server:app``) and granian's own
    RSGI (``server:rsgi_app``), each held to the same table."""
    env = nodes.node_env(
        nodes.database_url(connection.settings_dict["NAME"], connection.settings_dict),
        key_prefix=settings.CACHES["default"]["KEY_PREFIX"],
        RESOLUTION_RATE_LIMIT=RATE,
        UPSTREAM_RESOLVER_URL=UPSTREAM_DOWN,
        UPSTREAM_RESOLVER_TIMEOUT="0.5",
    )
    server = nodes.ResolutionServer(env, workers=1, interface=request.param)
    yield server
    server.stop()


def _django(method: str, path: str, headers: dict, client_address: str):
    client = Client(HTTP_HOST="park.localhost")
    cookie = headers.get("Cookie")
    if cookie:
        name, _sep, value = cookie.partition("=")
        client.cookies[name] = value
    extra = {k: v for k, v in headers.items() if k != "Cookie"}
    response = client.generic(method, path, headers={**extra, "X-Forwarded-For": client_address})
    return response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.content


def _granian(server, method: str, path: str, headers: dict, client_address: str):
    status, got, body = server.request(method, path, {**headers, "X-Forwarded-For": client_address})
    return status, {k.lower(): v for k, v in got.items()}, body


def _compared(headers: dict, *, head: bool) -> dict:
    names = COMPARED + (("content-length",) if head else ())
    if "x-request-id" in headers and headers["x-request-id"] != "abc-123":
        names = tuple(n for n in names if n != "x-request-id")  # a fresh id each time
    return {name: headers.get(name) for name in names}


@pytest.mark.django_db(transaction=True)
def test_same_answers_as_the_django_views(registry, resolution_server):
    with override_settings(
        RESOLUTION_RATE_LIMIT=RATE, UPSTREAM_RESOLVER_URL=UPSTREAM_DOWN, UPSTREAM_RESOLVER_TIMEOUT=0.5
    ):
        for i, (name, method, path, headers) in enumerate(TABLE):
            django_answer = _django(method, path, headers, f"10.0.0.{i}")
            granian_answer = _granian(resolution_server, method, path, headers, f"10.1.0.{i}")
            assert granian_answer[0] == django_answer[0], name
            assert granian_answer[2] == django_answer[2], name
            head = method == "HEAD"
            assert _compared(granian_answer[1], head=head) == _compared(django_answer[1], head=head), name

        for i, (name, method, path, headers) in enumerate(HTML_TABLE):
            django_answer = _django(method, path, headers, f"10.2.0.{i}")
            granian_answer = _granian(resolution_server, method, path, headers, f"10.3.0.{i}")
            assert granian_answer[0] == django_answer[0], name
            assert _compared(granian_answer[1], head=False) == _compared(django_answer[1], head=False), name
            assert "<svg" in granian_answer[2].decode() or granian_answer[0] == 404, name


@pytest.mark.django_db(transaction=True)
def test_rate_limited_alike(registry, resolution_server):
    with override_settings(RESOLUTION_RATE_LIMIT=RATE):
        limit = int(RATE.split("/")[0])
        django_answers = [_django("GET", LAMP, {}, "10.9.0.1") for _ in range(limit + 1)]
        granian_answers = [_granian(resolution_server, "GET", LAMP, {}, "10.9.0.2") for _ in range(limit + 1)]
    assert [a[0] for a in granian_answers] == [a[0] for a in django_answers] == [200] * limit + [429]
    django_429, granian_429 = django_answers[-1], granian_answers[-1]
    assert granian_429[2] == django_429[2]
    # seconds to the end of the same hour window, read a moment apart
    assert abs(int(granian_429[1]["retry-after"]) - int(django_429[1]["retry-after"])) <= 1


@pytest.mark.django_db(transaction=True)
def test_portal_write_served_at_once(resolution_server, enterprise_a, admin_a):
    from apps.identifiers.services import identifier_update, identifier_withdraw
    from tests.resolution.test_restricted import product, seed_mfg

    asked = iter(range(1, 250))

    def name_value(handle):
        # a client address of its own each time: the server's rate limit is RATE
        client = {"X-Forwarded-For": f"10.8.0.{next(asked)}"}
        status, _headers, body = resolution_server.request("GET", f"/api/handles/{handle}", client)
        if status != 200:
            return status, None
        values = json.loads(body)["values"]
        return status, next(v["data"]["value"] for v in values if v["type"] == "name")

    mfg = seed_mfg(enterprise_a)
    product_1 = identifier_register(
        actor=admin_a, enterprise=enterprise_a, template_version=mfg, values=product(1)
    )
    assert {name_value(product_1.handle) for _ in range(4)} == {(200, "干式变压器1")}  # warm

    identifier_update(actor=admin_a, identifier=product_1, values=product(1, name="新名称"))
    assert name_value(product_1.handle) == (200, "新名称")
    # the miss was read over the server's async pool with the prepared (batched) lookup
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND query LIKE %s "
            "AND datname = current_database()",
            [POOL_APPLICATION_NAME, "%WHERE i.handle_ci = ANY($1)"],
        )
        assert cursor.fetchone()[0] >= 1

    identifier_withdraw(actor=admin_a, identifier=product_1, reason="报废")
    assert name_value(product_1.handle) == (404, None)


@pytest.mark.django_db(transaction=True)
def test_misses_read_together_answer_each_request_alike(enterprise_a, resolution_server):
    """Misses that arrive at once are read in one registry query (server._MissBatcher): every
    request still gets its own answer, the Django view's: found, another case of the prefix,
    the suffix in another case (not found), withdrawn, absent."""
    for n in range(12):
        builders.identifier(enterprise_a, f"Batch-{n}")
    builders.identifier(enterprise_a, "Batch-gone", status="withdrawn")
    paths = [f"/api/handles/88.101.alpha/Batch-{n}" for n in range(12)]
    paths += [f"/api/handles/88.101.ALPHA/Batch-{n}" for n in range(3)]
    paths += ["/api/handles/88.101.alpha/batch-1", "/api/handles/88.101.alpha/Batch-gone"]
    paths += [f"/api/handles/88.101.alpha/absent-{n}" for n in range(5)]
    with ThreadPoolExecutor(max_workers=len(paths)) as pool:  # all at once, on a cold server
        served = list(
            pool.map(
                lambda i: _granian(resolution_server, "GET", paths[i], {}, f"10.7.0.{i}"), range(len(paths))
            )
        )
    with override_settings(RESOLUTION_RATE_LIMIT=RATE):
        expected = [_django("GET", path, {}, f"10.6.0.{i}") for i, path in enumerate(paths)]
    assert [(a[0], a[2]) for a in served] == [(e[0], e[2]) for e in expected]
    assert [a[0] for a in served].count(200) == 15


@pytest.mark.django_db(transaction=True)
def test_what_it_does_not_serve_reaches_django_with_its_body(resolution_server):
    """A request the server leaves to Django (here a POST of the public application form) gets
    Django's answer with the request body it sent, under RSGI through the RSGI-to-ASGI adapter:
    two bodies, two different validation answers, each the Django view's."""
    path = "/api/v1/tenants/applications/"
    for body in ({"name": "甲"}, {"name": "乙", "credit_code": "1", "code": "AB"}):
        data = json.dumps(body).encode()
        served = resolution_server.request("POST", path, {"Content-Type": "application/json"}, body=data)
        expected = Client(HTTP_HOST="park.localhost").post(path, data, content_type="application/json")
        assert served[0] == expected.status_code == 400
        assert json.loads(served[2]) == json.loads(expected.content)
