"""Writes of the resolution app: flushing Redis counters into hourly rows."""

from __future__ import annotations

from django.db import transaction
from django.db.models.functions import Lower

from apps.identifiers.models import Prefix
from apps.resolution import counters
from apps.resolution.models import ResolutionStat


def flush_resolution_counters() -> int:
    """Move the Redis counters into ``ResolutionStat`` rows (one per prefix and hour).

    Safe to run twice and concurrently with traffic: each counter is drained atomically, so a
    second run only finds what was counted since. Returns the number of rows touched.
    """
    drained = counters.drain()
    if not drained:
        return 0
    prefixes = {row["prefix"] for row in drained}
    owners = dict(
        Prefix.objects.annotate(p=Lower("prefix")).filter(p__in=prefixes).values_list("p", "enterprise_id")
    )
    touched = 0
    with transaction.atomic():
        for row in drained:
            stat, _created = ResolutionStat.objects.select_for_update().get_or_create(
                hour=row["hour"], prefix=row["prefix"], defaults={"enterprise_id": owners.get(row["prefix"])}
            )
            stat.count += row["count"]
            stat.not_found += row["not_found"]
            stat.latency_buckets = counters.merge_buckets(stat.latency_buckets, row["buckets"])
            top = dict(stat.top or {})
            for handle, n in row["top"].items():
                top[handle] = top.get(handle, 0) + n
            stat.top = dict(sorted(top.items(), key=lambda kv: -kv[1])[: counters.TOP_KEEP])
            if stat.enterprise_id is None and owners.get(row["prefix"]):
                stat.enterprise_id = owners[row["prefix"]]
            stat.save()
            touched += 1
    return touched
