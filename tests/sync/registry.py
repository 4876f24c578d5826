"""Registering on the park side in the sync tests: always through the registry services."""

from __future__ import annotations

import uuid

from apps.identifiers.choices import PrefixStatus, UpstreamStatus
from apps.identifiers.models import Identifier, Prefix


def park_prefix(enterprise, *, upstream_status: str = UpstreamStatus.ACTIVE) -> Prefix:
    """The park-side prefix of a test enterprise, already accepted upstream (upstream_prefixes)."""
    value = f"88.101.{enterprise.code}"
    prefix = Prefix.objects.filter(prefix__iexact=value).first()
    if prefix is None:
        prefix = Prefix.objects.create(
            prefix=value, enterprise=enterprise, status=PrefixStatus.ACTIVE, upstream_status=upstream_status
        )
    elif prefix.upstream_status != upstream_status:
        Prefix.objects.filter(pk=prefix.pk).update(upstream_status=upstream_status)
    return prefix


def mfg_version():
    from apps.metadata.demo import ensure_seed_templates
    from apps.metadata.selectors import template_current_version

    return template_current_version(ensure_seed_templates()["PARK-MFG"])


def product_values(n: int, **extra) -> dict:
    values = {
        "name": f"变压器{n}",
        "model": "S11-M-100",
        "batch_no": f"B{n:05d}",
        "produced_on": "2026-01-05",
        "qc_result": "合格",
        "rated_capacity": "100.5",
        "production_line": "L1",  # not public: stays in the enterprise's schema, never synced
    }
    values.update(extra)
    return values


def _services():
    try:
        from apps.identifiers import services
    except ImportError:
        return None
    return services


def can_withdraw() -> bool:
    return hasattr(_services(), "identifier_withdraw")


def register_many(enterprise, actor, numbers, *, tag: str | None = None) -> list[Identifier]:
    """Registers through the registry's bulk service (the importer's path: same validation,
    audit and outbox rows as a single registration)."""
    from apps.identifiers.bulk import BulkRow, identifier_bulk_upsert

    park_prefix(enterprise)
    tag = tag or uuid.uuid4().hex[:6].upper()
    rows = [BulkRow(label=n, object_code=f"T{tag}{n}", values=product_values(n)) for n in numbers]
    result = identifier_bulk_upsert(
        actor=actor, enterprise=enterprise, template_version=mfg_version(), rows=rows
    )
    assert result.ok, result.errors
    return list(Identifier.objects.filter(handle__in=result.handles_created).order_by("id"))


def register(enterprise, actor, n: int, *, tag: str | None = None) -> Identifier:
    """One registration through ``identifier_register`` (the portal's path)."""
    park_prefix(enterprise)
    tag = tag or uuid.uuid4().hex[:6].upper()
    return _services().identifier_register(
        actor=actor,
        enterprise=enterprise,
        template_version=mfg_version(),
        values=product_values(n),
        object_code=f"S{tag}{n}",
    )


def update(identifier: Identifier, actor, **changes) -> Identifier:
    identifier.refresh_from_db()
    values = {v["type"]: v["data"]["value"] for v in identifier.values if int(v["index"]) >= 2000}
    values.update(production_line="L1", **changes)
    return _services().identifier_update(actor=actor, identifier=identifier, values=values)


def withdraw(identifier: Identifier, actor) -> Identifier:
    identifier.refresh_from_db()
    return _services().identifier_withdraw(identifier=identifier, actor=actor)
