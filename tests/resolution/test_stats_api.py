"""/api/v1/resolution/stats/: counts and latency per prefix and hour, the park's staff every
prefix, an enterprise its own; schemathesis."""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.test import Client
from rest_framework.authtoken.models import Token

from apps.resolution.models import ResolutionStat
from tests import factories
from tests.openapi import assert_conforms

HOUR = dt.datetime(2026, 3, 18, 2, tzinfo=dt.UTC)


def api(user, host: str = "park.localhost") -> Client:
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")


def buckets(**at_ms: int) -> list[int]:
    """A latency histogram: ``{"b4": 90}`` puts 90 requests in bucket 4 (≤ 2 ms)."""
    out = [0] * 24
    for key, n in at_ms.items():
        out[int(key[1:])] = n
    return out


@pytest.fixture
def stats(enterprise_a, enterprise_b):
    return [
        ResolutionStat.objects.create(
            hour=HOUR, prefix="88.101.ALPHA", enterprise=enterprise_a, count=100, not_found=2,
            latency_buckets=buckets(b4=90, b9=9, b13=1),
        ),
        ResolutionStat.objects.create(
            hour=HOUR + dt.timedelta(hours=1), prefix="88.101.ALPHA", enterprise=enterprise_a, count=7,
            latency_buckets=buckets(b2=7),
        ),
        ResolutionStat.objects.create(
            hour=HOUR, prefix="88.101.BETA", enterprise=enterprise_b, count=5, latency_buckets=buckets(b0=5),
        ),
    ]  # fmt: skip


@pytest.mark.django_db
def test_counts_and_latency_per_prefix_and_hour(stats, park_auditor, admin_a, member_a, enterprise_a):
    rows = api(park_auditor).get("/api/v1/resolution/stats/?prefix=88.101.alpha").json()["results"]
    assert [(r["hour"], r["count"], r["p50_ms"], r["p99_ms"]) for r in rows] == [
        ("2026-03-18T11:00:00+08:00", 7, 1.0, 1.0),
        ("2026-03-18T10:00:00+08:00", 100, 2.0, 10.0),
    ]
    one_hour = api(park_auditor).get(
        "/api/v1/resolution/stats/?since=2026-03-18T02:00:00Z&until=2026-03-18T03:00:00Z"
    )
    assert {r["prefix"] for r in one_hour.json()["results"]} == {"88.101.ALPHA", "88.101.BETA"}
    assert api(park_auditor).get("/api/v1/resolution/stats/?since=yesterday").status_code == 400
    assert api(admin_a).get("/api/v1/resolution/stats/").status_code == 403  # park domain: staff only
    alpha = factories.domain_of(enterprise_a)
    own = api(member_a, alpha).get("/api/v1/resolution/stats/").json()["results"]
    assert {r["prefix"] for r in own} == {"88.101.ALPHA"}
    assert api(member_a, alpha).get(f"/api/v1/resolution/stats/{stats[2].pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_stats_operations_conform_to_the_schema(live_server, stats, park_auditor):
    token = f"Token {Token.objects.create(user=park_auditor).key}"
    config = schemathesis.Config.from_dict(
        {"auth": {"openapi": {"tokenAuth": {"api_key": token}}}, "generation": {"allow-x00": False}}
    )
    assert_conforms(
        live_server=live_server,
        host="park.localhost",
        token=token,
        api="^/api/v1/resolution/",
        known_ids={"/api/v1/resolution/stats/": [s.pk for s in stats]},
        config=config,
    )
