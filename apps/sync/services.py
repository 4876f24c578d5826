"""Sync to the upstream node: the outbox drain, prefix applications and reconciliation.

The drain is safe to run twice at once: a session advisory lock lets one drainer work and the
other return at once (and a killed drainer's lock dies with its connection). Rows are sent in
id order; within a batch each handle's operations go out in "waves" (its first operation in
wave 0, its second in wave 1, ...), so create → update → withdraw keep their order while a wave
still goes out as one batch request per operation.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections import defaultdict
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from apps.audit.services import AuditRecord, audit_write, audit_write_many
from apps.identifiers.choices import IdentifierStatus, UpstreamStatus
from apps.identifiers.models import Identifier, Prefix
from apps.sync import snms
from apps.sync.adapters import adapter_for, link_configured, link_get, upstream_exists
from apps.sync.client import AuthError, BusinessError, TransientError
from apps.sync.models import (
    ApiPasswordDigest,
    ApiToken,
    OutboxEntry,
    OutboxOperation,
    OutboxStatus,
    PushedTemplate,
)
from apps.tasks.choices import TaskState
from apps.tasks.models import TaskRun
from apps.tenants.upstream import ent_basic_info, ent_basic_info_missing
from apps.tenants.upstream import is_blank as _blank

DRAIN_LOCK_KEY = 0x5EC0_0006
# Identifiers of these prefixes wait (the upstream does not know the prefix, or not yet):
# never applied for, applied for, under review, rejected.
HELD_PREFIX_STATES = [
    UpstreamStatus.NOT_SENT,
    UpstreamStatus.PENDING,
    UpstreamStatus.UNDER_REVIEW,
    UpstreamStatus.REJECTED,
]


# ---------------------------------------------------------------- small helpers
def backoff_seconds(failures: int) -> float:
    """Exponential backoff with jitter: base·2^(n-1) capped, times a random factor in [0.5, 1]."""
    base = float(getattr(settings, "SYNC_BACKOFF_BASE_SECONDS", 5))
    cap = float(getattr(settings, "SYNC_BACKOFF_MAX_SECONDS", 900))
    return min(cap, base * (2 ** max(0, failures - 1))) * random.uniform(0.5, 1.0)


def snms_version_name(template_version) -> str:
    """SNMS ``templateVersion`` of one of our template versions (the metadata app's naming)."""
    naming = _optional("apps.metadata.exchange", "snms_version_name")
    if naming is not None:
        return naming(template_version)
    return f"{template_version.template.code}-v{template_version.number}"


def _values_of(entry: OutboxEntry) -> list[dict]:
    payload = entry.payload
    if isinstance(payload, dict):
        for key in ("values", "value"):
            if isinstance(payload.get(key), list):
                return payload[key]
    if isinstance(payload, list):
        return payload
    return list(entry.identifier.values) if entry.identifier_id and entry.identifier else []


def _template_version_name(entry: OutboxEntry, values: list[dict]) -> str:
    # Our identifier's template version names it best; a payload's own name (rows written
    # without an identifier) comes next, the index-1001 value last.
    if entry.identifier_id and entry.identifier:
        return snms_version_name(entry.identifier.template_version)
    payload = entry.payload if isinstance(entry.payload, dict) else {}
    return str(payload.get("templateVersion") or snms.template_version_of(values) or "")


def identifier_body(entry: OutboxEntry) -> dict:
    values = _values_of(entry)
    return {
        "handle": entry.handle,
        "templateVersion": _template_version_name(entry, values),
        "value": snms.item_values(values),
    }


# GB/T 4754 code sent when neither the template (nor its parents) nor the enterprise names one:
# the four industry fields are required by the SNMS template API. 7590 其他科技推广服务业.
DEFAULT_TEMPLATE_INDUSTRY = ("M", "75", "759", "7590")
INDUSTRY_KEYS = ("industryCategory", "industrySpecific", "industryTrade", "industrySubclass")


def _template_industry(template_version, prefix: str) -> tuple[str, str, str, str]:
    """The four GB/T 4754 fields: the template's, else its parents', else the prefix's
    enterprise's industry code (e.g. C3821 → C, 38, 382, 3821), else SYNC_TEMPLATE_INDUSTRY."""
    template = template_version.template
    while template is not None:
        fields = (
            template.industry_section,
            template.industry_division,
            template.industry_group,
            template.industry_class,
        )
        if all(fields):
            return fields
        template = template.parent
    owner = Prefix.objects.select_related("enterprise").filter(prefix__iexact=prefix).first()
    code = (owner.enterprise.industry_code if owner else "").strip().upper()
    if len(code) >= 5 and code[0].isalpha() and code[1:5].isdigit():
        return code[0], code[1:3], code[1:4], code[1:5]
    return tuple(getattr(settings, "SYNC_TEMPLATE_INDUSTRY", None) or DEFAULT_TEMPLATE_INDUSTRY)


def _documented_item(item: dict) -> dict:
    """metadata.minLength / maxLength are required by the API for every item: filled in when
    our item has no length rule (marked ``lengthImplied`` so another instance of this project
    does not take them for one)."""
    meta = dict(item.get("metadata") or {})
    meta["type"] = "string"
    implied = []
    if meta.get("minLength") in (None, ""):
        meta["minLength"] = 1 if item.get("required") else 0
        implied.append("minLength")
    if meta.get("maxLength") in (None, ""):
        meta["maxLength"] = 255
        implied.append("maxLength")
    meta["minLength"], meta["maxLength"] = int(meta["minLength"]), min(255, int(meta["maxLength"]))
    if implied:
        meta["lengthImplied"] = implied
    return dict(item, metadata=meta)


def template_body(template_version, *, prefix: str, version: str) -> dict:
    """One of our typed template versions as an SNMS template: public items as strings, each
    with the documented minLength/maxLength, and the four industry fields filled."""
    body = _template_body(template_version, prefix=prefix, version=version)
    body["items"] = [_documented_item(item) for item in body.get("items", [])]
    industry = [str(body.get(key) or "") for key in INDUSTRY_KEYS]
    if not all(industry):
        industry = _template_industry(template_version, prefix)
    body.update(zip(INDUSTRY_KEYS, industry, strict=True))
    body.setdefault("type", 2)
    return body


def _template_body(template_version, *, prefix: str, version: str) -> dict:
    exchange = _optional("apps.metadata.exchange", "template_to_snms")
    if exchange is not None:
        body = exchange(template_version)
        # Restricted items never leave the park; the items are flattened (inherited included),
        # so the upstream needs no parent template of ours.
        body["items"] = [i for i in body.get("items", []) if (i.get("metadata") or {}).get("public", True)]
        body.update(prefix=prefix, version=version, parent=None)
        return body
    from apps.metadata.selectors import effective_items

    template = template_version.template
    items = []
    for item in effective_items(template_version):
        if not item.get("is_public", True):
            continue
        constraints = item.get("constraints") or {}
        items.append(
            {
                "name": item.get("name"),
                "idType": item.get("code"),
                "idIndex": int(item.get("index")),
                "required": bool(item.get("required")),
                "state": 1 if item.get("state", "enabled") == "enabled" else 0,
                "metadata": {
                    "type": "string",
                    "minLength": int(constraints.get("min_length") or (1 if item.get("required") else 0)),
                    "maxLength": int(min(255, constraints.get("max_length") or 255)),
                },
            }
        )
    return {
        "prefix": prefix,
        "version": version,
        "industryCategory": template.industry_section or "",
        "industrySpecific": template.industry_division or "",
        "industryTrade": template.industry_group or "",
        "industrySubclass": template.industry_class or "",
        "type": 2,
        "description": template.name,
        "items": items,
    }


def _optional(module_path: str, name: str):
    try:
        module = import_module(module_path)
    except ModuleNotFoundError:
        return None
    return getattr(module, name, None)


def _prefix_of(handle: str) -> str:
    return handle.split("/", 1)[0]


# ---------------------------------------------------------------- reads for the page
def sync_overview() -> dict:
    """Figures of the sync page. ``applicable`` False: this node has no upstream at all
    (secondary mode without a national adapter), so there is no backlog or lag to show;
    ``configured`` False: an upstream exists but no address is set yet."""
    from django.db.models import Count

    applicable = upstream_exists()
    # One pass over the outbox for all the figures (it keeps every sent row).
    counts = dict(OutboxEntry.objects.order_by().values_list("status").annotate(n=Count("id")))
    oldest = (
        OutboxEntry.objects.filter(status=OutboxStatus.PENDING)
        .order_by("id")
        .values_list("created_at", flat=True)
        .first()
        if applicable
        else None
    )
    return {
        "applicable": applicable,
        "configured": applicable and link_configured(),
        "pending": counts.get(OutboxStatus.PENDING, 0) if applicable else None,
        "failed": counts.get(OutboxStatus.FAILED, 0),
        "stopped": counts.get(OutboxStatus.STOPPED, 0),
        "sent": counts.get(OutboxStatus.SENT, 0),
        "not_applicable": counts.get(OutboxStatus.NO_UPSTREAM, 0),
        "waiting_data": counts.get(OutboxStatus.WAITING_DATA, 0),
        "lag_seconds": int((timezone.now() - oldest).total_seconds()) if oldest else 0,
        "oldest_pending_at": oldest,
    }


# ---------------------------------------------------------------- the SNMS API this node serves
def api_token_issue(*, user) -> str:
    """``POST /identity/token``: a new bearer token for 24 hours (only its sha256 is kept);
    the user's expired tokens are removed on the way."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        ApiToken.objects.filter(user=user, expires_at__lt=now).delete()
        ApiToken.objects.create(
            user=user,
            key_hash=hashlib.sha256(token.encode()).hexdigest(),
            expires_at=now + timedelta(seconds=snms.TOKEN_LIFETIME_SECONDS),
        )
    return token


def _digest_pad(user_pk: int, nonce: str) -> bytes:
    return salted_hmac("apps.sync.api_password_digest", f"{user_pk}:{nonce}", algorithm="sha256").digest()


def api_password_digest_keep(*, user, password: str, unless_kept: bool = False) -> None:
    """Keep sha256(password), what ``/identity/token/v1`` digests are computed from, encrypted
    (a one-time pad from SECRET_KEY and a fresh nonce). Called when a password is set and when
    it is sent in clear to ``/identity/token`` (``unless_kept``: one read, and no write when the
    kept digest is already this password's, as it is on every login but the first)."""
    if not getattr(user, "pk", None) or not password:
        return
    inner = hashlib.sha256(password.encode()).digest()
    if unless_kept and constant_time_compare(_password_digest_of(user) or "", inner.hex()):
        return
    nonce = secrets.token_hex(16)
    sealed = bytes(a ^ b for a, b in zip(inner, _digest_pad(user.pk, nonce), strict=True)).hex()
    ApiPasswordDigest.objects.update_or_create(user_id=user.pk, defaults={"digest": f"{nonce}:{sealed}"})


def _password_digest_of(user) -> str | None:
    stored = ApiPasswordDigest.objects.filter(user_id=user.pk).values_list("digest", flat=True).first()
    if not stored or ":" not in stored:
        return None
    nonce, sealed = stored.split(":", 1)
    try:
        raw = bytes.fromhex(sealed)
    except ValueError:
        return None
    pad = _digest_pad(user.pk, nonce)
    if len(raw) != len(pad):
        return None
    return bytes(a ^ b for a, b in zip(raw, pad, strict=True)).hex()


def token_v1_dates(now=None) -> list:
    """The dates a ``/identity/token/v1`` digest may be computed over: the park's date, and
    within TOKEN_V1_DATE_SKEW of midnight the date on the other side of it too (a client
    whose clock is a few minutes off)."""
    now = now or timezone.now()
    skew = snms.TOKEN_V1_DATE_SKEW
    return sorted({timezone.localdate(now + delta) for delta in (-skew, timedelta(0), skew)})


def token_v1_digest_matches(*, password_digest: str, given: str, now=None) -> bool:
    """identity-auth.md 密文传输: password = sha256(sha256(password) + "yyyy-MM-dd"), lower-case hex."""
    given = (given or "").strip().lower()
    matched = False
    for day in token_v1_dates(now):
        expected = hashlib.sha256((password_digest + day.strftime("%Y-%m-%d")).encode()).hexdigest()
        matched |= constant_time_compare(expected, given)
    return matched


def api_token_v1_user(*, request, username: str, digest: str):
    """The user ``POST /identity/token/v1`` names, when ``digest`` is the documented digest of
    their password for the date window; the login lockout applies as on ``/identity/token``."""
    from apps.accounts.backends import LockoutModelBackend

    def check(user) -> bool:
        inner = _password_digest_of(user)
        return inner is not None and token_v1_digest_matches(password_digest=inner, given=digest)

    return LockoutModelBackend().authenticate_with(request, username, check=check)


def applicant_membership_grant(*, user, enterprise):
    """The account that applied through ``/snms/api/v3/ent/apply`` (the downstream node)
    manages the enterprise's identifiers here once it is approved: the registry lets members
    of an enterprise write its identifiers. Audited when the membership is new."""
    from apps.accounts.models import Membership

    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, enterprise=enterprise, defaults={"role": "enterprise_admin"}
        )
        if created:
            audit_write(
                action="membership.snms_applicant",
                object_type="accounts.Membership",
                object_id=membership.pk,
                object_repr=f"{user.get_username()} @ {enterprise.code}",
                after={"role": "enterprise_admin", "source": "snms ent/apply"},
                tenant_schema="public",
            )
    return membership


# ---------------------------------------------------------------- the link
LINK_FIELDS = ("url", "username", "password", "batch_size", "enabled")


def upstream_link_update(
    *, actor, url: str, username: str, password: str | None, batch_size: int, enabled: bool
):
    """The park administrator sets the upstream node (sync page). ``password`` None or empty
    keeps the stored one; the audit entry says whether it changed, never what it is. A new
    address clears the stop and backoff of the old one."""
    from django.core.exceptions import ValidationError

    from apps.core.errors import ApplicationError

    with schema_context(get_public_schema_name()), transaction.atomic():
        link = link_get()
        before = {f: getattr(link, f) for f in LINK_FIELDS if f != "password"}
        link.url, link.username = (url or "").strip(), (username or "").strip()
        link.batch_size, link.enabled = batch_size, enabled
        password_changed = bool(password) and password != link.password
        if password:
            link.password = password
        try:
            link.full_clean()
        except ValidationError as exc:
            raise ApplicationError(_("上级节点设置有误"), errors=exc.message_dict, code="invalid") from exc
        if not 1 <= int(link.batch_size) <= snms.BATCH_MAX:
            message = _("每批条数应在 1 到 %(max)d 之间") % {"max": snms.BATCH_MAX}
            raise ApplicationError(message, errors={"batch_size": [message]}, code="invalid")
        if link.url != before["url"]:
            link.stopped_reason, link.next_attempt_at, link.consecutive_failures = "", None, 0
        link.save()
        after = {f: getattr(link, f) for f in LINK_FIELDS if f != "password"}
        audit_write(
            action="sync.link_update",
            object_type="sync.UpstreamLink",
            object_id=link.pk,
            object_repr=link.url or "-",
            before=before,
            after=dict(after, password_changed=password_changed),
            actor_user_id=getattr(actor, "pk", None),
        )
        transaction.on_commit(sync_kick)
        return link


# ---------------------------------------------------------------- drain
class _Batch:
    def __init__(self, rows: list[OutboxEntry]):
        self.rows = rows
        self.done: dict[int, str] = {}  # row id → note
        self.failed: dict[int, str] = {}  # row id → message
        self.held: set[int] = set()  # prefix applications waiting for the enterprise's data


STUCK_STATES = [OutboxStatus.FAILED, OutboxStatus.STOPPED]


def _pending_rows(limit: int) -> list[OutboxEntry]:
    """The next pending rows in id order, leaving out those whose prefix is not (yet) known
    upstream and those behind a failed or stopped row of the same handle: an update must not
    overtake the create it changes (the retry button sends the whole chain again, in order)."""
    qs = OutboxEntry.objects.filter(status=OutboxStatus.PENDING).exclude(
        identifier__prefix__upstream_status__in=HELD_PREFIX_STATES
    )
    if OutboxEntry.objects.filter(status__in=STUCK_STATES).exists():
        stuck_before = OutboxEntry.objects.filter(
            handle=OuterRef("handle"), status__in=STUCK_STATES, id__lt=OuterRef("id")
        )
        qs = qs.exclude(Exists(stuck_before))
    return list(qs.select_related("identifier__template_version__template").order_by("id")[:limit])


def _waves(rows: list[OutboxEntry]) -> list[list[OutboxEntry]]:
    seen: dict[str, int] = defaultdict(int)
    waves: list[list[OutboxEntry]] = []
    for row in rows:
        key = row.handle.lower()
        n = seen[key]
        seen[key] += 1
        while len(waves) <= n:
            waves.append([])
        waves[n].append(row)
    return waves


def _ensure_templates(
    adapter, rows: list[OutboxEntry], bodies: dict[int, dict]
) -> dict[tuple[str, str], str]:
    """Create at the upstream the templates these rows need. Returns the (prefix, version)
    pairs the upstream refused, with its message: only their rows fail."""
    wanted: dict[tuple[str, str], object] = {}
    for row in rows:
        version = bodies[row.id]["templateVersion"]
        if row.identifier_id and row.identifier:
            wanted.setdefault((_prefix_of(row.handle), version), row.identifier.template_version)
    if not wanted:
        return {}
    pushed = set(
        PushedTemplate.objects.filter(prefix__in={p for p, _v in wanted}).values_list("prefix", "version")
    )
    refused: dict[tuple[str, str], str] = {}
    for (prefix, version), template_version in wanted.items():
        if (prefix, version) in pushed:
            continue
        try:
            adapter.ensure_template(template_body(template_version, prefix=prefix, version=version))
        except BusinessError as exc:
            refused[(prefix, version)] = exc.message
            continue
        PushedTemplate.objects.get_or_create(prefix=prefix, version=version)
    return refused


def _send_wave(adapter, wave: list[OutboxEntry], batch: _Batch) -> None:
    by_op: dict[str, list[OutboxEntry]] = defaultdict(list)
    for row in wave:
        by_op[row.operation].append(row)
    creates = by_op.get(OutboxOperation.CREATE, [])
    updates = list(by_op.get(OutboxOperation.UPDATE, []))
    bodies = {row.id: identifier_body(row) for row in creates + updates}
    if creates or updates:
        refused = _ensure_templates(adapter, creates + updates, bodies)
        if refused:

            def template_ok(row: OutboxEntry) -> bool:
                message = refused.get((_prefix_of(row.handle), bodies[row.id]["templateVersion"]))
                if message is None:
                    return True
                batch.failed[row.id] = message
                return False

            creates = [row for row in creates if template_ok(row)]
            updates = [row for row in updates if template_ok(row)]
    if creates:
        results = adapter.create([bodies[r.id] for r in creates])
        for row, result in zip(creates, results, strict=True):
            if result.ok:
                batch.done[row.id] = ""
            elif snms.is_exists_message(result.message):
                # Committed by an earlier attempt whose reply was lost (or created by someone
                # else): send our values as an update so the upstream ends with exactly them.
                updates.append(row)
            else:
                batch.failed[row.id] = result.message
    if updates:
        results = adapter.update([bodies[r.id] for r in updates])
        for row, result in zip(updates, results, strict=True):
            if result.ok:
                batch.done[row.id] = "exists→update" if row.operation == OutboxOperation.CREATE else ""
            else:
                batch.failed[row.id] = result.message
    deletes = by_op.get(OutboxOperation.DELETE, [])
    if deletes:
        results = adapter.delete([r.handle for r in deletes])
        for row, result in zip(deletes, results, strict=True):
            if result.ok or snms.is_not_found_message(result.message):
                # "Not found" on a delete: an earlier attempt removed it, the goal is reached.
                batch.done[row.id] = "" if result.ok else "already-deleted"
            else:
                batch.failed[row.id] = result.message
    for row in by_op.get(OutboxOperation.PREFIX_APPLY, []):
        _send_prefix_apply(adapter, row, batch)


def _send_prefix_apply(adapter, row: OutboxEntry, batch: _Batch) -> None:
    prefix = Prefix.objects.filter(prefix__iexact=row.handle).select_related("enterprise").first()
    payload = row.payload or {}
    if prefix and ent_basic_info_missing(payload.get("entBasicInfo") or {}):
        # Written before the record held the data (or set aside without an upstream): rebuilt
        # from the record now; still incomplete, it waits instead of going to a certain -2.
        payload = _refreshed_payload(prefix, payload)
        OutboxEntry.objects.filter(pk=row.pk).update(payload=payload)
        missing = ent_basic_info_missing(payload["entBasicInfo"])
        if missing:
            _hold_application(row.pk, prefix.pk, missing)
            batch.held.add(row.id)
            return
    try:
        adapter.apply_prefix(payload)
    except BusinessError as exc:
        if snms.is_exists_message(exc.message) or "已被使用" in exc.message or "已提交" in exc.message:
            batch.done[row.id] = "already-applied"
        else:
            batch.failed[row.id] = exc.message
            if prefix:
                Prefix.objects.filter(pk=prefix.pk).update(upstream_message=exc.message[:2000])
            return
    else:
        batch.done[row.id] = ""
    if prefix and prefix.upstream_status in (UpstreamStatus.NOT_SENT, UpstreamStatus.PENDING):
        Prefix.objects.filter(pk=prefix.pk).update(
            upstream_status=UpstreamStatus.UNDER_REVIEW, upstream_message=""
        )


def _finish_rows(batch: _Batch, *, error: str = "", now=None) -> None:
    now = now or timezone.now()
    if batch.done:
        OutboxEntry.objects.filter(id__in=list(batch.done)).update(
            status=OutboxStatus.SENT, sent_at=now, last_error=""
        )
    for row_id, message in batch.failed.items():
        OutboxEntry.objects.filter(id=row_id).update(status=OutboxStatus.FAILED, last_error=message[:2000])
    if batch.failed:
        # A refused row is audited (the log is where the park, and its webhooks, learn of it).
        handles = {row.id: row.handle for row in batch.rows}
        audit_write_many(
            AuditRecord(
                action="sync.fail",
                object_type="sync.OutboxEntry",
                object_id=row_id,
                object_repr=handles.get(row_id, ""),
                changes={"error": [None, message[:500]]},
                tenant_schema=get_public_schema_name(),
            )
            for row_id, message in batch.failed.items()
        )
    settled = batch.done.keys() | batch.failed.keys() | batch.held
    unresolved = [r.id for r in batch.rows if r.id not in settled]
    if unresolved and error:
        from django.db.models import F

        OutboxEntry.objects.filter(id__in=unresolved).update(
            attempts=F("attempts") + 1, last_error=error[:2000]
        )


def _send_batch(adapter, batch: _Batch) -> None:
    failed_handles: set[str] = set()
    for wave in _waves(batch.rows):
        # Later operations of a handle whose earlier one failed stay pending behind it.
        wave = [row for row in wave if row.handle.lower() not in failed_handles]
        if wave:
            _send_wave(adapter, wave, batch)
        failed_handles |= {row.handle.lower() for row in batch.rows if row.id in batch.failed}


def _try_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [DRAIN_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def _unlock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [DRAIN_LOCK_KEY])


def sync_drain(*, max_batches: int | None = None, ignore_backoff: bool = False) -> dict:
    """Send pending outbox rows upstream, batch by batch, until none is left or the upstream fails."""
    with schema_context(get_public_schema_name()):
        link = link_get()
        adapter = adapter_for(link)
        if adapter is None:
            if not upstream_exists():
                return {"skipped": "no-upstream", "set_aside": _set_aside_without_upstream()}
            return {"skipped": "no-upstream"}
        # Rows set aside while there was no upstream go now that there is one, in id order.
        OutboxEntry.objects.filter(status=OutboxStatus.NO_UPSTREAM).update(status=OutboxStatus.PENDING)
        if link.stopped_reason:
            return {"skipped": "stopped", "reason": link.stopped_reason}
        now = timezone.now()
        if link.next_attempt_at and link.next_attempt_at > now and not ignore_backoff:
            return {"skipped": "backoff", "until": link.next_attempt_at.isoformat()}
        if not _try_lock():
            return {"skipped": "busy"}
        totals = {"batches": 0, "sent": 0, "failed": 0, "error": ""}
        try:
            _close_orphaned_runs()
            size = max(1, min(snms.BATCH_MAX, int(link.batch_size or snms.BATCH_ADVISED)))
            while max_batches is None or totals["batches"] < max_batches:
                rows = _pending_rows(size)
                if not rows:
                    break
                outcome = _drain_one(adapter, link, rows)
                totals["batches"] += 1
                totals["sent"] += outcome["sent"]
                totals["failed"] += outcome["failed"]
                if outcome["error"]:
                    totals["error"] = outcome["error"]
                    break
        finally:
            _unlock()
        return totals


def _set_aside_without_upstream() -> int:
    """Secondary-node mode without a national adapter: pending rows have nowhere to go. They
    are marked "no upstream" (not a growing backlog), and prefixes waiting to be applied for
    go back to "not sent": nothing to submit, the node allocates its enterprises' prefixes
    itself (the pages say so)."""
    with transaction.atomic():
        prefixes = list(
            OutboxEntry.objects.filter(
                status=OutboxStatus.PENDING, operation=OutboxOperation.PREFIX_APPLY
            ).values_list("handle", flat=True)
        )
        count = OutboxEntry.objects.filter(status=OutboxStatus.PENDING).update(
            status=OutboxStatus.NO_UPSTREAM, last_error=""
        )
        if prefixes:
            from django.db.models.functions import Lower

            Prefix.objects.annotate(prefix_lower=Lower("prefix")).filter(
                prefix_lower__in={value.lower() for value in prefixes},
                upstream_status=UpstreamStatus.PENDING,
            ).update(upstream_status=UpstreamStatus.NOT_SENT, upstream_message="")
    return count


def _close_orphaned_runs() -> None:
    """Batch runs still "running" while we hold the lock belong to a drainer that died (its rows
    are still pending and go out again now)."""
    TaskRun.objects.filter(task_name="apps.sync.batch", state=TaskState.RUNNING).update(
        state=TaskState.FAILED,
        message=_("同步进程中断，未确认的记录将重新发送"),
        finished_at=timezone.now(),
    )


def _drain_one(adapter, link, rows: list[OutboxEntry]) -> dict:
    run = TaskRun.objects.create(
        task_name="apps.sync.batch",
        title=_("同步批次（%(n)d 条）") % {"n": len(rows)},
        schema_name=get_public_schema_name(),
        state=TaskState.RUNNING,
        started_at=timezone.now(),
        attempts=1,
        message=_("发送中：第 %(first)d – %(last)d 号") % {"first": rows[0].id, "last": rows[-1].id},
    )
    error = ""
    stop = False
    batch = _Batch(rows)
    try:
        _send_batch(adapter, batch)
    except TransientError as exc:
        error = exc.message
    except AuthError as exc:
        error, stop = exc.message, True
    except BusinessError as exc:
        # The whole request was refused (e.g. a template the upstream will not take): the rows
        # of this batch not yet answered fail with that message; the drain goes on.
        for row in rows:
            if row.id not in batch.done and row.id not in batch.failed and row.id not in batch.held:
                batch.failed[row.id] = exc.message
    now = timezone.now()
    with transaction.atomic():
        if error:
            # Partial progress inside a failed batch is kept (those rows are answered).
            _finish_rows(batch, error=error, now=now)
            link.consecutive_failures += 1
            link.last_error, link.last_error_at = error, now
            if stop:
                link.stopped_reason = error
                link.next_attempt_at = None
            else:
                link.next_attempt_at = now + timedelta(seconds=backoff_seconds(link.consecutive_failures))
            link.save()
        else:
            _finish_rows(batch, now=now)
            link.consecutive_failures = 0
            link.next_attempt_at = None
            link.last_success_at = now
            link.save(update_fields=["consecutive_failures", "next_attempt_at", "last_success_at"])
    sent, failed = len(batch.done), len(batch.failed)
    result = {
        "rows": len(rows),
        "sent": sent,
        "failed": failed,
        "first_id": rows[0].id,
        "last_id": rows[-1].id,
    }
    if error:
        result["error"] = error
        message = (_("已停止：%(e)s") if stop else _("将重试：%(e)s")) % {"e": error}
    else:
        message = _("已发送 %(sent)d 条，失败 %(failed)d 条") % {"sent": sent, "failed": failed}
    TaskRun.objects.filter(pk=run.pk).update(
        state=TaskState.FAILED if error else TaskState.SUCCEEDED,
        progress=100,
        message=message[:2000],
        result=result,
        finished_at=timezone.now(),
    )
    return {"sent": sent, "failed": failed, "error": error}


def sync_retry(*, actor=None, entry_ids: list[int] | None = None) -> int:
    """The retry button: failed/stopped rows back to pending, the link's stop and backoff cleared."""
    with schema_context(get_public_schema_name()):
        qs = OutboxEntry.objects.filter(status__in=STUCK_STATES)
        if entry_ids:
            # The whole chain of each handle: its later failed rows go again too, in id order.
            handles = OutboxEntry.objects.filter(id__in=entry_ids, status__in=STUCK_STATES).values("handle")
            qs = qs.filter(handle__in=handles)
        with transaction.atomic():
            count = qs.update(status=OutboxStatus.PENDING, next_attempt_at=None)
            link = link_get()
            before = {
                "stopped_reason": link.stopped_reason,
                "consecutive_failures": link.consecutive_failures,
            }
            link.stopped_reason = ""
            link.next_attempt_at = None
            link.save(update_fields=["stopped_reason", "next_attempt_at"])
            audit_write(
                action="sync.retry",
                object_type="sync.UpstreamLink",
                object_id=link.pk,
                object_repr=link.url or "-",
                before=before,
                after={"requeued": count},
            )
        transaction.on_commit(sync_kick)
        return count


def sync_kick() -> None:
    """Ask a worker to drain soon (debounced: at most one message per second). Called on the
    commit of every registration: the debounce comes before link_configured's queries (link
    and park rows), so a burst of registrations costs them once a second, not once each."""
    if not getattr(settings, "SYNC_KICK_ON_COMMIT", True):
        return
    from django.core.cache import cache

    if not cache.add("sync:kick", 1, timeout=1) or not link_configured():
        return
    from apps.sync.tasks import sync_drain_task

    try:
        sync_drain_task.apply_async(countdown=1)
    except Exception:  # the beat entry drains anyway; a broker hiccup must not fail a registration
        pass


# ---------------------------------------------------------------- prefixes
def upstream_info_waiting_message(missing: list[str]) -> str:
    return _("等待补充上级节点前缀申请资料，缺少：%(fields)s。园区管理员在企业详情页补充后将自动提交") % {
        "fields": "、".join(missing)
    }


def _application_body(prefix: Prefix, kyc: dict | None = None) -> dict:
    """``/snms/api/v3/ent/apply`` body from the enterprise record (its 上级节点前缀申请资料
    included); ``kyc`` (entBasicInfo field names) overrides it. The upstream account named in
    sysUser gets a random password (sha256, as documented): the enterprise never logs in there
    through us."""
    enterprise = prefix.enterprise
    return {
        "sysUser": {
            "userName": f"{prefix.prefix.replace('.', '_')}"[:50],
            "password": hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
            "email": enterprise.contact_email,
            "mobile": enterprise.contact_phone,
            "remarks": "",
        },
        "entBasicInfo": {
            **ent_basic_info(enterprise),
            "entPrefix": prefix.prefix,
            **{key: value for key, value in (kyc or {}).items() if value not in (None, "")},
        },
        "entRegisterManageInfo": {
            # 1 标识注册系统 2 标识注册数据 3 注册数据备份 4 解析服务器: hosted by the park node (云部署)
            "entInfoSyses": [{"sysType": t, "deployMode": 2, "name": _park_name()} for t in (1, 2, 3, 4)],
            "servSysBuildType": 2,
            "servSysOperType": 2,
        },
    }


def _park_name() -> str:
    from apps.tenants.selectors import park_get

    park = park_get()
    return park.name if park else ""


def _hold_application(entry_id: int | None, prefix_pk: int, missing: list[str]) -> str:
    """The application cannot go (the upstream would refuse it): its row waits for the data
    (never pending, so no drain picks it up again and again; not failed, so no retry button and no
    failure figure) and the prefix, still 待提交, says what is missing. ``prefix_upstream_info_completed`` sends it once the data is there."""
    message = upstream_info_waiting_message(missing)
    if entry_id:
        OutboxEntry.objects.filter(pk=entry_id).update(
            status=OutboxStatus.WAITING_DATA, last_error=message[:2000]
        )
    Prefix.objects.filter(pk=prefix_pk).update(
        upstream_status=UpstreamStatus.PENDING, upstream_message=message[:2000]
    )
    return message


def prefix_sync_enqueue(prefix: Prefix, *, kyc: dict | None = None) -> OutboxEntry:
    """An approved prefix is applied for at the upstream (called by enterprise approval). The
    application's data comes from the enterprise record; ``kyc`` (entBasicInfo fields) overrides
    it. Without the documented required fields, and with an upstream to send to, the row is
    written already waiting (see ``_hold_application``), nothing is sent."""
    with schema_context(get_public_schema_name()), transaction.atomic():
        payload = _application_body(prefix, kyc)
        missing = ent_basic_info_missing(payload["entBasicInfo"])
        if missing and upstream_exists():
            message = _hold_application(None, prefix.pk, missing)
            return OutboxEntry.objects.create(
                operation=OutboxOperation.PREFIX_APPLY,
                handle=prefix.prefix,
                payload=payload,
                status=OutboxStatus.WAITING_DATA,
                last_error=message[:2000],
            )
        entry = OutboxEntry.objects.create(
            operation=OutboxOperation.PREFIX_APPLY, handle=prefix.prefix, payload=payload
        )
        Prefix.objects.filter(pk=prefix.pk).update(
            upstream_status=UpstreamStatus.PENDING, upstream_message=""
        )
        transaction.on_commit(sync_kick)
        return entry


def prefix_upstream_info_completed(enterprise) -> int:
    """The enterprise's 上级节点前缀申请资料 changed: its applications not yet sent are rebuilt
    from the record and, when nothing is missing any more, queued again (the drain sends them).
    Returns how many were queued."""
    queued = 0
    with schema_context(get_public_schema_name()), transaction.atomic():
        for prefix in Prefix.objects.filter(
            enterprise=enterprise, upstream_status=UpstreamStatus.PENDING
        ).select_related("enterprise"):
            entries = OutboxEntry.objects.filter(
                operation=OutboxOperation.PREFIX_APPLY,
                handle__iexact=prefix.prefix,
                status__in=[OutboxStatus.PENDING, OutboxStatus.WAITING_DATA, *STUCK_STATES],
            )
            for entry in entries:
                payload = _refreshed_payload(prefix, entry.payload)
                missing = ent_basic_info_missing(payload["entBasicInfo"])
                if missing:
                    OutboxEntry.objects.filter(pk=entry.pk).update(payload=payload)
                    _hold_application(entry.pk, prefix.pk, missing)
                    continue
                OutboxEntry.objects.filter(pk=entry.pk).update(
                    payload=payload, status=OutboxStatus.PENDING, last_error="", next_attempt_at=None
                )
                Prefix.objects.filter(pk=prefix.pk).update(upstream_message="")
                queued += 1
        if queued:
            transaction.on_commit(sync_kick)
    return queued


def _refreshed_payload(prefix: Prefix, stored: dict | None) -> dict:
    """The application from the enterprise record as it is now; a value the record lacks but
    the stored body had (an explicit ``kyc``) is kept."""
    fresh = _application_body(prefix)
    kept = (stored or {}).get("entBasicInfo") or {}
    info = fresh["entBasicInfo"]
    for key, value in kept.items():
        if _blank(info.get(key)) and value not in (None, ""):
            info[key] = value
    return fresh


UPSTREAM_FROM_SNMS = {
    snms.PREFIX_ENABLED: UpstreamStatus.ACTIVE,
    snms.PREFIX_REJECTED: UpstreamStatus.REJECTED,
    snms.PREFIX_AWAITING_REVIEW: UpstreamStatus.UNDER_REVIEW,
    snms.PREFIX_UNDER_REVIEW: UpstreamStatus.UNDER_REVIEW,
}


def prefix_status_refresh() -> dict:
    """Ask the upstream for every prefix still on its way (beat task)."""
    with schema_context(get_public_schema_name()):
        adapter = adapter_for(link_get())
        if adapter is None:
            return {"skipped": "no-upstream"}
        changed = 0
        checked = 0
        for prefix in Prefix.objects.filter(upstream_status=UpstreamStatus.UNDER_REVIEW):
            checked += 1
            try:
                data = adapter.prefix_status(prefix.prefix)
            except (TransientError, AuthError) as exc:
                return {"checked": checked, "changed": changed, "error": exc.message}
            if not data:
                continue
            status = UPSTREAM_FROM_SNMS.get(int(data.get("status", -99)))
            if status and status != prefix.upstream_status:
                before = prefix.upstream_status
                note = str(data.get("entDesc") or "") if status == UpstreamStatus.REJECTED else ""
                Prefix.objects.filter(pk=prefix.pk).update(
                    upstream_status=status, upstream_message=note[:2000]
                )
                audit_write(
                    action="prefix.upstream_status",
                    object_type="identifiers.Prefix",
                    object_id=prefix.pk,
                    object_repr=prefix.prefix,
                    before={"upstream_status": before},
                    after={"upstream_status": status},
                )
                changed += 1
        if changed:
            sync_kick()  # identifiers held for an activated prefix can go now
        return {"checked": checked, "changed": changed}


# ---------------------------------------------------------------- reconciliation
def local_digests(prefix: Prefix) -> dict[str, str]:
    rows = Identifier.objects.filter(prefix=prefix, status=IdentifierStatus.ACTIVE).values_list(
        "handle", "values"
    )
    return {handle.lower(): snms.values_digest(snms.item_values(values)) for handle, values in rows}


def sync_reconcile(*, limit_per_prefix: int = 50_000) -> dict:
    """Compare counts and per-prefix checksums with the upstream and re-send what differs.
    Missing or different identifiers get a new outbox row (create / update), identifiers the
    upstream still holds but we withdrew get a delete. Never touches a prefix in flight or
    one never applied for; a prefix the upstream refuses is reported and the others go on."""

    with schema_context(get_public_schema_name()):
        link = link_get()
        adapter = adapter_for(link)
        if adapter is None:
            return {"skipped": "no-upstream"}
        report = {
            "prefixes": 0,
            "matching": 0,
            "resent_create": 0,
            "resent_update": 0,
            "resent_delete": 0,
            "refused": {},
        }
        prefixes = Prefix.objects.exclude(upstream_status__in=HELD_PREFIX_STATES).order_by("prefix")
        pending_handles = set(
            h.lower()
            for h in OutboxEntry.objects.filter(status=OutboxStatus.PENDING).values_list("handle", flat=True)
        )
        for prefix in prefixes:
            try:
                _reconcile_prefix(adapter, prefix, report, pending_handles, limit_per_prefix)
            except (TransientError, AuthError) as exc:
                report["error"] = exc.message
                break
            except BusinessError as exc:
                # The upstream refuses this prefix (e.g. it does not know it): the others go on.
                report["refused"][prefix.prefix] = exc.message[:500]
        link.last_reconciled_at = timezone.now()
        link.last_reconcile_result = report
        link.save(update_fields=["last_reconciled_at", "last_reconcile_result"])
        if report["resent_create"] or report["resent_update"] or report["resent_delete"]:
            sync_kick()
        return report


def _reconcile_prefix(
    adapter, prefix: Prefix, report: dict, pending_handles: set, limit_per_prefix: int
) -> None:
    """One prefix: counts and checksum first; what differs gets outbox rows again."""
    from apps.sync.outbox import outbox_record_many

    local = local_digests(prefix)
    remote_summary = adapter.prefix_digest(prefix.prefix)
    report["prefixes"] += 1
    checksum = snms.prefix_checksum(list(local.items()))
    if remote_summary is not None and (
        int(remote_summary.get("count", -1)) == len(local) and remote_summary.get("checksum") == checksum
    ):
        report["matching"] += 1
        return
    idents = {
        i.handle.lower(): i
        for i in Identifier.objects.filter(prefix=prefix).only("id", "handle", "values", "status")
    }
    originals = [idents[h].handle for h in local]
    if remote_summary is None:
        # A plain SNMS node: one GET per identifier. A random sample first; only when it finds
        # a difference is every identifier asked about.
        size = int(getattr(settings, "SYNC_RECONCILE_SAMPLE", 200))
        if 0 < size < len(originals):
            sample = random.sample(originals, size)
            remote = _remote_digests(adapter, prefix.prefix, sample, False, limit_per_prefix)
            report["sampled"] = report.get("sampled", 0) + len(sample)
            if all(remote.get(h.lower()) == local[h.lower()] for h in sample):
                report["matching"] += 1
                return
    remote = _remote_digests(adapter, prefix.prefix, originals, remote_summary is not None, limit_per_prefix)
    todo = []
    for handle_ci, digest in local.items():
        if handle_ci in pending_handles:
            continue  # on its way already
        ident = idents[handle_ci]
        if handle_ci not in remote:
            todo.append((OutboxOperation.CREATE, ident.handle, ident, {"values": ident.values}))
            report["resent_create"] += 1
        elif remote[handle_ci] != digest:
            todo.append((OutboxOperation.UPDATE, ident.handle, ident, {"values": ident.values}))
            report["resent_update"] += 1
    for handle_ci in set(remote) - set(local):
        if handle_ci in pending_handles:
            continue
        ident = idents.get(handle_ci)
        if ident is not None and ident.status == IdentifierStatus.WITHDRAWN:
            todo.append((OutboxOperation.DELETE, ident.handle, ident, {}))
            report["resent_delete"] += 1
    if todo:
        with transaction.atomic():
            outbox_record_many(todo)


def _remote_digests(
    adapter, prefix: str, handles: list[str], has_extension: bool, limit: int
) -> dict[str, str]:
    remote: dict[str, str] = {}
    if has_extension:
        after = ""
        while True:
            page = adapter.prefix_handles(prefix, after=after, size=5000)
            for item in page.get("items") or []:
                remote[str(item["handle"]).lower()] = item["digest"]
            after = page.get("next") or ""
            if not after or len(remote) >= limit:
                return remote
    # A plain SNMS node has no listing: ask for each of our identifiers (bounded).
    for handle in handles[:limit]:
        data = adapter.identifier_detail(handle)
        if data:
            remote[handle.lower()] = snms.values_digest(snms.item_values(data.get("value") or []))
    return remote
