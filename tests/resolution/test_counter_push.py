"""One push of the resolution counters writes every prefix's count, latency and top handles with
their expiry, in one round trip whatever the number of prefixes (issue 18: traffic spread over
thousands of enterprises' prefixes)."""

from apps.resolution import counters
from apps.resolution.cache import redis_client


def test_a_push_over_many_prefixes_writes_each_key_with_its_expiry():
    counters.reset_local()
    hour = counters.hour_tag()
    prefixes = [f"88.101.spread{n:04d}" for n in range(300)]
    for n, prefix in enumerate(prefixes):
        counters.record(prefix, f"{prefix}/lamp", 1.2, found=True)
        counters.record(prefix, f"{prefix}/lamp", 1.2, found=True)
        if n % 2:
            counters.record(prefix, None, 40.0, found=False)
    client = redis_client()
    keys = [counters.latency_key(hour, p) for p in prefixes] + [counters.top_key(hour, p) for p in prefixes]
    client.delete(counters.count_key(hour), *keys)

    counters.push_pending()

    counts = client.hgetall(counters.count_key(hour))
    assert int(counts[b"88.101.spread0000"]) == 2
    assert int(counts[b"88.101.spread0001"]) == 3
    assert int(counts[b"88.101.spread0001\x00nf"]) == 1 and b"88.101.spread0000\x00nf" not in counts
    fast, slow = str(counters.bucket_of(1.2)).encode(), str(counters.bucket_of(40.0)).encode()
    assert client.hgetall(counters.latency_key(hour, "88.101.spread0299")) == {fast: b"2", slow: b"1"}
    assert client.zscore(counters.top_key(hour, "88.101.spread0150"), "88.101.spread0150/lamp") == 2
    assert hour.encode() in client.smembers(counters.hours_key())
    for key in [counters.count_key(hour), *keys]:
        assert 0 < client.ttl(key) <= counters.COUNTER_TTL, key
    client.delete(counters.count_key(hour), *keys)
