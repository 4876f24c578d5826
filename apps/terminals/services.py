"""Terminal writes: enrolment through the registry's registration service, and the credential
lifecycle (issue, rotate with a grace period, suspend, resume, revoke with a reason).

Every credential change republishes the terminal's keys in its identifier's record as Handle
``HS_PUBKEY`` values (index 300 upward, base64 SubjectPublicKeyInfo) with a
``TERMINAL_CREDENTIAL`` value beside each (index 400 upward: key index, algorithm, state,
expiry), through ``identifiers.services.identifier_protocol_values_set`` — the registry's own
door, so the change is audited, synced and the resolution caches drop the record. A verifier
that resolves the handle has all it needs to check a reading's signature offline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_write
from apps.core.errors import ApplicationError, PermissionDenied
from apps.identifiers.models import Identifier
from apps.identifiers.services import can_write, identifier_protocol_values_set, identifier_register
from apps.terminals import keys
from apps.terminals.choices import CredentialState
from apps.terminals.models import (
    INDEX_CREDENTIAL_STATE,
    INDEX_PUBKEY,
    MAX_PUBLISHED_KEYS,
    Terminal,
    TerminalCredential,
    TerminalProfile,
    TerminalToken,
)
from apps.terminals.seed import KEY_COLUMN

OBJECT_TYPE = "terminals.TerminalCredential"
RECORD_TYPES = {"HS_PUBKEY", "TERMINAL_CREDENTIAL"}
PUBLISHED_STATES = (
    CredentialState.ACTIVE,
    CredentialState.RETIRING,
    CredentialState.SUSPENDED,
    CredentialState.REVOKED,
)


@dataclass
class Issued:
    credential: TerminalCredential
    private_key_pem: str | None  # only when the portal generated the key: shown once, never stored


# ---------------------------------------------------------------- templates
def terminal_profile(template) -> TerminalProfile | None:
    """The terminal settings of ``template`` or of its nearest ancestor; None: not a terminal template."""
    seen = 0
    while template is not None and seen < 10:
        profile = TerminalProfile.objects.filter(template_id=template.pk).first()
        if profile is not None:
            return profile
        template, seen = template.parent, seen + 1
    return None


def _assert_writer(actor, enterprise) -> None:
    if not can_write(actor, enterprise):
        raise PermissionDenied(_("只有本企业成员可以管理本企业的终端"))


# ---------------------------------------------------------------- enrolment
def terminal_attach(*, actor, identifier: Identifier) -> Terminal:
    """The terminal of an identifier registered under a terminal template (created once)."""
    _assert_writer(actor, identifier.enterprise)
    existing = Terminal.objects.filter(identifier=identifier).first()
    if existing is not None:
        return existing
    if terminal_profile(identifier.template_version.template) is None:
        raise ApplicationError(_("该标识不是按终端模板登记的，不能作为终端"), code="not_a_terminal")
    terminal = Terminal.objects.create(
        identifier=identifier, enterprise=identifier.enterprise, handle=identifier.handle
    )
    audit_write(
        action="terminal.enrol",
        object_type="terminals.Terminal",
        object_id=terminal.pk,
        object_repr=terminal.handle,
        changes={"handle": [None, terminal.handle]},
        tenant_schema=identifier.enterprise.schema_name,
    )
    return terminal


@transaction.atomic
def terminal_enrol(
    *,
    actor,
    enterprise,
    template_version,
    values: dict,
    object_code: str | None = None,
    public_key: str | None = None,
    algorithm: str | None = None,
    valid_days: int | None = None,
) -> Issued:
    """Register the terminal's identifier (the one registration service), make it a terminal
    and issue its first credential: the device's public key, or a key pair generated here."""
    if terminal_profile(template_version.template) is None:
        raise ApplicationError(_("请选择终端模板（或其子模板）"), code="not_a_terminal")
    if not public_key and not algorithm and str(values.get(KEY_COLUMN) or "").strip():
        public_key = values[KEY_COLUMN]
    key = _parse_or_none(public_key, algorithm)  # a bad key refuses before anything is written
    identifier = identifier_register(
        actor=actor,
        enterprise=enterprise,
        template_version=template_version,
        values=values,
        object_code=object_code,
    )
    terminal = terminal_attach(actor=actor, identifier=identifier)
    return credential_issue(
        actor=actor, terminal=terminal, public_key=key, algorithm=algorithm, valid_days=valid_days
    )


def _parse_or_none(public_key, algorithm) -> keys.PublicKey | None:
    if isinstance(public_key, keys.PublicKey):
        return public_key
    if public_key and str(public_key).strip():
        return keys.parse_public_key(public_key)
    if not algorithm:
        raise ApplicationError(
            _("请上传终端公钥（或 CSR），或选择算法由门户生成密钥"),
            errors={"public_key": [_("请上传终端公钥（或 CSR），或选择算法由门户生成密钥")]},
            code="invalid_key",
        )
    return None


# ---------------------------------------------------------------- credential lifecycle
def _new_credential(*, actor, terminal, public_key, algorithm, valid_days) -> Issued:
    key = _parse_or_none(public_key, algorithm)
    private_pem = None
    generated = key is None
    if generated:
        private = keys.generate_private_key(algorithm)
        key = keys.public_key_of(private)
        private_pem = keys.private_key_pem(private)
    if TerminalCredential.objects.filter(fingerprint=key.fingerprint).exists():
        message = _("该公钥已绑定到终端，不能重复使用")
        raise ApplicationError(message, errors={"public_key": [message]}, code="key_in_use")
    taken = set(TerminalCredential.objects.filter(terminal=terminal).values_list("key_index", flat=True))
    free = [i for i in range(INDEX_PUBKEY, INDEX_PUBKEY + MAX_PUBLISHED_KEYS) if i not in taken]
    if not free:
        raise ApplicationError(_("终端的凭证数量已达上限"), code="too_many_credentials")
    profile = terminal_profile(terminal.identifier.template_version.template)
    days = valid_days or (profile.credential_days if profile else 365)
    now = timezone.now()
    credential = TerminalCredential(
        terminal=terminal,
        algorithm=key.algorithm,
        public_key=key.b64,
        fingerprint=key.fingerprint,
        key_index=free[0],
        state=CredentialState.ACTIVE,
        not_after=now + dt.timedelta(days=int(days)),
        state_changed_at=now,
        generated_by_portal=generated,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    credential.full_clean(exclude=["terminal", "created_by"])
    credential.save()
    return Issued(credential=credential, private_key_pem=private_pem)


def _audit(action: str, credential: TerminalCredential, changes: dict) -> None:
    audit_write(
        action=action,
        object_type=OBJECT_TYPE,
        object_id=credential.pk,
        object_repr=f"{credential.terminal.handle} #{credential.key_index}",
        changes=changes,
        tenant_schema=credential.terminal.enterprise.schema_name,
    )


def credential_state_value(credential: TerminalCredential) -> str:
    """The TERMINAL_CREDENTIAL value of the record (≤ 255 characters)."""
    parts = [f"key={credential.key_index}", f"alg={credential.algorithm}", f"state={credential.state}"]
    if credential.not_after:
        parts.append(f"not_after={credential.not_after.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}")
    if credential.grace_until and credential.state == CredentialState.RETIRING:
        parts.append(f"grace_until={credential.grace_until.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}")
    if (
        credential.state in (CredentialState.REVOKED, CredentialState.SUSPENDED)
        and credential.state_changed_at
    ):
        parts.append(f"since={credential.state_changed_at.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}")
    return ";".join(parts)


def _publish(*, actor, terminal: Terminal, reason: str = "") -> None:
    published = TerminalCredential.objects.filter(terminal=terminal, state__in=PUBLISHED_STATES).order_by(
        "key_index"
    )
    values = []
    for credential in published:
        values.append(
            {
                "index": credential.key_index,
                "type": "HS_PUBKEY",
                "data": {"format": "base64", "value": credential.public_key},
            }
        )
        values.append(
            {
                "index": INDEX_CREDENTIAL_STATE + credential.key_index - INDEX_PUBKEY,
                "type": "TERMINAL_CREDENTIAL",
                "data": {"format": "string", "value": credential_state_value(credential)},
            }
        )
    identifier_protocol_values_set(
        actor=actor, identifier=terminal.identifier, types=RECORD_TYPES, values=values, reason=reason
    )


@transaction.atomic
def credential_issue(
    *, actor, terminal: Terminal, public_key=None, algorithm: str | None = None, valid_days: int | None = None
) -> Issued:
    """The terminal's first credential (or a new one after revocation): refused while one is
    valid — that is a rotation."""
    _assert_writer(actor, terminal.enterprise)
    Terminal.objects.select_for_update().filter(pk=terminal.pk).first()
    if TerminalCredential.objects.filter(
        terminal=terminal, state__in=[CredentialState.ACTIVE, CredentialState.SUSPENDED]
    ).exists():
        raise ApplicationError(_("终端已有凭证：请使用轮换"), code="credential_exists")
    issued = _new_credential(
        actor=actor, terminal=terminal, public_key=public_key, algorithm=algorithm, valid_days=valid_days
    )
    _audit(
        "terminal.credential.issue",
        issued.credential,
        {
            "algorithm": [None, issued.credential.algorithm],
            "fingerprint": [None, issued.credential.fingerprint],
            "generated_by_portal": [None, issued.credential.generated_by_portal],
        },
    )
    _publish(actor=actor, terminal=terminal)
    return issued


@transaction.atomic
def credential_rotate(
    *,
    actor,
    terminal: Terminal,
    public_key=None,
    algorithm: str | None = None,
    grace_hours: int = 24,
    valid_days: int | None = None,
) -> Issued:
    """A new active credential; the current one stays valid for ``grace_hours`` (0: ends now)."""
    _assert_writer(actor, terminal.enterprise)
    if grace_hours is None or int(grace_hours) < 0 or int(grace_hours) > 24 * 90:
        message = _("宽限期应在 0 到 2160 小时之间")
        raise ApplicationError(message, errors={"grace_hours": [message]}, code="invalid_grace")
    Terminal.objects.select_for_update().filter(pk=terminal.pk).first()
    current = TerminalCredential.objects.filter(terminal=terminal, state=CredentialState.ACTIVE).first()
    if current is None:
        raise ApplicationError(_("终端没有有效凭证，请直接签发"), code="no_credential")
    issued = _new_credential(
        actor=actor, terminal=terminal, public_key=public_key, algorithm=algorithm, valid_days=valid_days
    )
    now = timezone.now()
    grace = int(grace_hours)
    current.state = CredentialState.RETIRING if grace else CredentialState.SUPERSEDED
    current.grace_until = now + dt.timedelta(hours=grace)
    current.state_changed_at = now
    current.save(update_fields=["state", "grace_until", "state_changed_at", "updated_at"])
    _audit(
        "terminal.credential.rotate",
        issued.credential,
        {
            "previous": [None, current.fingerprint],
            "fingerprint": [None, issued.credential.fingerprint],
            "grace_until": [None, current.grace_until.isoformat()],
        },
    )
    _publish(actor=actor, terminal=terminal)
    return issued


def _change_state(*, actor, credential, new_state, allowed, action, reason: str, reason_required: bool):
    credential = TerminalCredential.objects.select_related(
        "terminal__enterprise", "terminal__identifier"
    ).get(pk=credential.pk)
    _assert_writer(actor, credential.terminal.enterprise)
    reason = (reason or "").strip()
    if reason_required and not reason:
        message = _("请填写原因")
        raise ApplicationError(message, errors={"reason": [message]}, code="reason_required")
    with transaction.atomic():
        locked = TerminalCredential.objects.select_for_update().get(pk=credential.pk)
        if locked.state not in allowed:
            raise ApplicationError(
                _("凭证当前状态为「%(state)s」，不能执行该操作") % {"state": locked.get_state_display()},
                code="invalid_state",
            )
        before = locked.state
        locked.state = new_state
        locked.state_reason = reason[:300]
        locked.state_changed_at = timezone.now()
        locked.save(update_fields=["state", "state_reason", "state_changed_at", "updated_at"])
        locked.terminal = credential.terminal
        if new_state in (CredentialState.REVOKED, CredentialState.SUSPENDED):
            # Tokens are checked against the credential on every request anyway; drop them too.
            TerminalToken.objects.filter(credential=locked).delete()
        _audit(action, locked, {"state": [before, new_state], "reason": [None, reason]})
        _publish(actor=actor, terminal=credential.terminal, reason=reason)
    return locked


def credential_suspend(*, actor, credential: TerminalCredential, reason: str = "") -> TerminalCredential:
    return _change_state(
        actor=actor,
        credential=credential,
        new_state=CredentialState.SUSPENDED,
        allowed=(CredentialState.ACTIVE,),
        action="terminal.credential.suspend",
        reason=reason,
        reason_required=False,
    )


def credential_resume(*, actor, credential: TerminalCredential) -> TerminalCredential:
    return _change_state(
        actor=actor,
        credential=credential,
        new_state=CredentialState.ACTIVE,
        allowed=(CredentialState.SUSPENDED,),
        action="terminal.credential.resume",
        reason="",
        reason_required=False,
    )


def credential_revoke(*, actor, credential: TerminalCredential, reason: str) -> TerminalCredential:
    """Revoked for good, with a reason; the next request with it is refused in every process."""
    return _change_state(
        actor=actor,
        credential=credential,
        new_state=CredentialState.REVOKED,
        allowed=(CredentialState.ACTIVE, CredentialState.RETIRING, CredentialState.SUSPENDED),
        action="terminal.credential.revoke",
        reason=reason,
        reason_required=True,
    )


def credentials_retire_expired_grace(*, now: dt.datetime | None = None) -> int:
    """Retiring credentials whose grace has passed → superseded, and off the record. (They are
    refused from the end of the grace already; this tidies the record.) Safe to run twice."""
    now = now or timezone.now()
    count = 0
    due = TerminalCredential.objects.filter(state=CredentialState.RETIRING, grace_until__lte=now)
    for credential in due.select_related("terminal__enterprise", "terminal__identifier"):
        with transaction.atomic():
            updated = TerminalCredential.objects.filter(
                pk=credential.pk, state=CredentialState.RETIRING
            ).update(state=CredentialState.SUPERSEDED, state_changed_at=now)
            if updated:
                _audit(
                    "terminal.credential.supersede",
                    credential,
                    {"state": [CredentialState.RETIRING, CredentialState.SUPERSEDED]},
                )
                _publish(actor=None, terminal=credential.terminal)
                count += 1
    return count


def refusal_for(credential: TerminalCredential, now: dt.datetime) -> str | None:
    """None when the credential is accepted at ``now``; otherwise the refusal's error code."""
    state = credential.state
    if state == CredentialState.REVOKED:
        return "credential_revoked"
    if state == CredentialState.SUSPENDED:
        return "credential_suspended"
    if state == CredentialState.SUPERSEDED:
        return "credential_expired"
    if state == CredentialState.RETIRING and (
        credential.grace_until is None or credential.grace_until <= now
    ):
        return "credential_expired"
    if credential.not_after is not None and credential.not_after <= now:
        return "credential_expired"
    return None


# ---------------------------------------------------------------- authentication counts
def auth_counts_flush(*, now: dt.datetime | None = None) -> int:
    """Copy the hourly counters from Redis into AuthCount (absolute values: the Redis hash holds
    the hour's whole count while it lives), so running it twice changes nothing. Then audit the
    successful authentications of every hour that is over, one entry per enterprise and hour
    (``terminal.auth.hourly``): a refusal is audited when it happens (device.record_refusal),
    but 10,000 terminals re-authenticating every 15 minutes would be 40,000 entries an hour."""
    from django.conf import settings

    from apps.core.redis import redis_client
    from apps.tenants.models import Enterprise
    from apps.terminals.choices import AuthOutcome
    from apps.terminals.models import AuthCount

    client = redis_client()
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    known = set(Enterprise.objects.values_list("id", flat=True))
    written = 0
    for name in client.scan_iter(match=f"{prefix}:term:auth:*", count=500):
        stamp = name.decode().rsplit(":", 1)[1]
        try:
            hour = dt.datetime.strptime(stamp, "%Y%m%d%H").replace(tzinfo=dt.UTC)
        except ValueError:
            continue
        for fld, value in client.hgetall(name).items():
            enterprise_id, _sep, outcome = fld.decode().partition(":")
            if int(enterprise_id) and int(enterprise_id) not in known:
                continue
            AuthCount.objects.update_or_create(
                hour=hour,
                enterprise_id=int(enterprise_id) or None,
                outcome=outcome,
                defaults={"count": int(value)},
            )
            written += 1
    now = now or timezone.now()
    this_hour = now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        # skip_locked: the statistics page flushes too; one of them audits an hour, once
        over = (
            AuthCount.objects.select_for_update(skip_locked=True)
            .filter(
                hour__lt=this_hour, outcome=AuthOutcome.OK, audited_at__isnull=True, enterprise__isnull=False
            )
            .select_related("enterprise")
            .order_by("hour", "enterprise_id")
        )
        for row in over:
            audit_write(
                action="terminal.auth.hourly",
                object_type="tenants.Enterprise",
                object_id=row.enterprise_id,
                object_repr=f"{row.enterprise.short_name or row.enterprise.name} {row.hour:%Y-%m-%d %H}:00 UTC"[
                    :300
                ],
                changes={"authenticated": [None, row.count], "hour": [None, row.hour.isoformat()]},
                tenant_schema=row.enterprise.schema_name,
                actor="system",
            )
            AuthCount.objects.filter(pk=row.pk).update(audited_at=now)
    return written


# ---------------------------------------------------------------- Excel enrolment
def terminals_enrol_imported(*, job_id: int) -> dict:
    """After an Excel import under a terminal template (apps.imports' ``import_applied``): every
    identifier of that template version that is not a terminal yet and has a key in the key
    column becomes one, with its credential, issued as the job's creator. A key that does not
    parse (the dry run checked only its format) is audited and skipped; run again, nothing
    changes."""
    from apps.enterprise_data.models import RestrictedValues
    from apps.enterprise_data.services import restricted_context
    from apps.identifiers.choices import IdentifierStatus
    from apps.imports.models import ImportJob

    job = ImportJob.objects.select_related("enterprise", "template_version__template", "created_by").get(
        pk=job_id
    )
    if terminal_profile(job.template_version.template) is None:
        return {"enrolled": 0, "refused": 0}
    candidates = {
        i.pk: i
        for i in Identifier.objects.filter(
            enterprise=job.enterprise,
            template_version=job.template_version,
            status=IdentifierStatus.ACTIVE,
            terminal__isnull=True,
        )
    }
    with restricted_context(job.enterprise):
        stored = {
            row.identifier_id: row.as_dict().get(KEY_COLUMN, "").strip()
            for row in RestrictedValues.objects.filter(identifier_id__in=list(candidates))
        }
    enrolled = refused = 0
    for identifier_id, key in stored.items():
        if not key:
            continue
        identifier = candidates[identifier_id]
        try:
            with transaction.atomic():
                terminal = terminal_attach(actor=job.created_by, identifier=identifier)
                credential_issue(actor=job.created_by, terminal=terminal, public_key=key)
            enrolled += 1
        except ApplicationError as exc:
            refused += 1
            audit_write(
                action="terminal.enrol.refused",
                object_type="identifiers.Identifier",
                object_id=identifier.pk,
                object_repr=identifier.handle,
                changes={"reason": [None, exc.message], "import_job": [None, job.pk]},
                tenant_schema=job.enterprise.schema_name,
            )
    return {"enrolled": enrolled, "refused": refused}
