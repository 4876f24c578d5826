"""Counters in Redis flushed by the beat task into hourly rows; the per-client rate limit."""

import pytest
from django.test import override_settings

from apps.resolution import counters
from apps.resolution.models import ResolutionStat
from apps.resolution.tasks import flush_counters
from tests.resolution import builders

pytestmark = pytest.mark.django_db


def test_resolutions_counted_and_flushed_into_hourly_rows(park_client, enterprise_a, park_admin):
    lamp = builders.identifier(enterprise_a, "Lamp-1")
    other = builders.identifier(enterprise_a, "Lamp-2")
    for _ in range(3):
        park_client.get(f"/api/handles/{lamp.handle}")
    park_client.get(f"/{other.handle}", HTTP_ACCEPT="application/json")
    park_client.get("/api/handles/88.101.alpha/missing")
    assert ResolutionStat.objects.count() == 0  # never a row per request

    flush_counters.apply()
    stat = ResolutionStat.objects.get(prefix="88.101.alpha")
    assert stat.count == 5
    assert stat.not_found == 1
    assert stat.enterprise == enterprise_a
    assert stat.hour.minute == 0 and stat.hour.second == 0
    assert sum(stat.latency_buckets) == 5
    assert stat.top == {lamp.handle: 3, other.handle: 1}
    assert counters.percentile(stat.latency_buckets, 0.99) is not None

    # a second run adds only what came since (safe to run twice)
    flush_counters.apply()
    park_client.get(f"/api/handles/{lamp.handle}")
    flush_counters.apply()
    stat.refresh_from_db()
    assert stat.count == 6
    assert stat.top[lamp.handle] == 4

    # and the dashboards show them
    park_client.force_login(park_admin)
    page = park_client.get("/resolution/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<svg") >= 3
    assert "88.101.alpha/Lamp-1" in html


def test_enterprise_dashboard_shows_own_prefix_only(
    tenant_client, park_client, enterprise_a, enterprise_b, admin_a
):
    lamp = builders.identifier(enterprise_a, "Lamp-1")
    other = builders.identifier(enterprise_b, "B-1")
    park_client.get(f"/api/handles/{lamp.handle}")
    park_client.get(f"/api/handles/{other.handle}")
    flush_counters.apply()
    client = tenant_client(enterprise_a)
    client.force_login(admin_a)
    html = client.get("/resolution/").content.decode()
    assert lamp.handle in html
    assert other.handle not in html


def test_percentile_from_fixed_buckets():
    buckets = [0] * (len(counters.LATENCY_BUCKETS_MS) + 1)
    buckets[counters.bucket_of(0.8)] = 98
    buckets[counters.bucket_of(40)] = 2
    assert counters.percentile(buckets, 0.5) == 1
    assert counters.percentile(buckets, 0.99) == 50


@override_settings(RESOLUTION_RATE_LIMIT="3/m")
def test_rate_limit_429_with_retry_after(park_client, enterprise_a):
    lamp = builders.identifier(enterprise_a, "Lamp-1")
    codes = [park_client.get(f"/api/handles/{lamp.handle}").status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    limited = park_client.get(f"/api/handles/{lamp.handle}")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["message"]
    # another client has its own window
    assert park_client.get(f"/api/handles/{lamp.handle}", REMOTE_ADDR="10.0.0.9").status_code == 200


@override_settings(RESOLUTION_RATE_LIMIT="2/m", TRUSTED_PROXIES=["127.0.0.1", "::1"])
def test_rate_limit_behind_the_proxy_counts_each_forwarded_client(park_client, enterprise_a):
    lamp = builders.identifier(enterprise_a, "Lamp-1")
    url = f"/api/handles/{lamp.handle}"

    def via_nginx(client_ip, spoofed=""):
        # nginx's $proxy_add_x_forwarded_for: whatever the client sent, then the address it saw
        forwarded = f"{spoofed}, {client_ip}" if spoofed else client_ip
        return park_client.get(url, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [via_nginx("203.0.113.1") for _ in range(3)] == [200, 200, 429]
    # a second client behind the same proxy has its own bucket
    assert [via_nginx("203.0.113.2") for _ in range(2)] == [200, 200]
    # a left-hand entry the client wrote itself does not move it to another bucket
    assert via_nginx("203.0.113.1", spoofed="198.51.100.7") == 429
    assert via_nginx("203.0.113.1", spoofed="203.0.113.9") == 429


@override_settings(RESOLUTION_RATE_LIMIT="2/m", TRUSTED_PROXIES=["127.0.0.1", "::1"])
def test_forwarded_for_from_an_untrusted_address_is_ignored(park_client, enterprise_a):
    lamp = builders.identifier(enterprise_a, "Lamp-1")
    url = f"/api/handles/{lamp.handle}"
    codes = [
        park_client.get(url, REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]  # one bucket: the connecting address, whatever XFF claims
