"""Prefix lifecycle: suspend, resume, revoke (audited).

已暂停 (suspended) and 已注销 (revoked) prefixes take no new identifiers and no changes; their
existing identifiers keep resolving (the resolver does not read the prefix's status, so nothing
cached goes stale). Revocation is final. Enterprise suspension and resumption call these;
``apps.identifiers.permissions.write_refusal`` is where the statuses stop writes.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from apps.audit.services import audit_write
from apps.core.errors import ApplicationError
from apps.identifiers.choices import PrefixStatus
from apps.identifiers.models import Prefix

OBJECT_TYPE = "identifiers.Prefix"


def _actor_kwargs(actor) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {}
    return {"actor": actor.get_username(), "actor_user_id": actor.pk}


def _set_status(*, prefix: Prefix, actor, action: str, to: str, reason: str = "") -> Prefix:
    before = prefix.status
    prefix.status = to
    prefix.save(update_fields=["status", "updated_at"])
    after: dict = {"status": to}
    if reason:
        after["reason"] = reason
    audit_write(
        action=action,
        object_type=OBJECT_TYPE,
        object_id=prefix.pk,
        object_repr=prefix.prefix,
        before={"status": before},
        after=after,
        tenant_schema=prefix.enterprise.schema_name,
        **_actor_kwargs(actor),
    )
    return prefix


def _locked(prefix: Prefix) -> Prefix:
    return Prefix.objects.select_for_update().select_related("enterprise").get(pk=prefix.pk)


@transaction.atomic
def prefix_suspend(*, prefix: Prefix, actor, reason: str = "") -> Prefix:
    """暂停: no registrations or changes under the prefix until it is resumed."""
    prefix = _locked(prefix)
    if prefix.status == PrefixStatus.SUSPENDED:
        return prefix
    if prefix.status != PrefixStatus.ACTIVE:
        raise ApplicationError(
            _("只能暂停已生效的前缀（当前状态：%(status)s）") % {"status": prefix.get_status_display()},
            code="invalid_status",
        )
    return _set_status(
        prefix=prefix, actor=actor, action="prefix.suspend", to=PrefixStatus.SUSPENDED, reason=reason.strip()
    )


@transaction.atomic
def prefix_resume(*, prefix: Prefix, actor) -> Prefix:
    prefix = _locked(prefix)
    if prefix.status == PrefixStatus.ACTIVE:
        return prefix
    if prefix.status != PrefixStatus.SUSPENDED:
        raise ApplicationError(
            _("只能恢复已暂停的前缀（当前状态：%(status)s）") % {"status": prefix.get_status_display()},
            code="invalid_status",
        )
    return _set_status(prefix=prefix, actor=actor, action="prefix.resume", to=PrefixStatus.ACTIVE)


@transaction.atomic
def prefix_revoke(*, prefix: Prefix, actor, reason: str) -> Prefix:
    """注销 for good: the prefix never takes writes again and cannot be resumed."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("请填写注销原因"), errors={"reason": [_("请填写注销原因")]}, code="reason_required"
        )
    prefix = _locked(prefix)
    if prefix.status == PrefixStatus.REVOKED:
        return prefix
    return _set_status(
        prefix=prefix, actor=actor, action="prefix.revoke", to=PrefixStatus.REVOKED, reason=reason
    )


__all__ = ["prefix_resume", "prefix_revoke", "prefix_suspend"]
