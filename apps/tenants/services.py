"""Writes for enterprises: apply, approve, reject, suspend, resume."""

from __future__ import annotations

import logging
import secrets
import string
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tenants.utils import schema_exists

from apps.audit.services import AuditRecord, audit_write, audit_write_many
from apps.core.errors import ApplicationError
from apps.tenants.choices import EnterpriseStatus
from apps.tenants.middleware import forget_domains
from apps.tenants.models import Domain, Enterprise

log = logging.getLogger(__name__)

# 上级节点前缀申请资料: the fields the upstream's enterprise application needs beyond the
# application's own (openApi/v5/ent.md entBasicInfo; see apps.tenants.upstream.ENT_BASIC_INFO_SOURCE).
UPSTREAM_INFO_FIELDS = (
    "org_nature",
    "licence_image_rid",
    "contact_id_type",
    "contact_id_number",
    "legal_name",
    "legal_id_type",
    "legal_id_number",
    "legal_id_front_rid",
    "legal_id_back_rid",
)
# Also required upstream, but optional in the park's application: completed on the same form.
UPSTREAM_FORM_FIELDS = ("address", "industry_code", *UPSTREAM_INFO_FIELDS)


def schema_name_for(code: str) -> str:
    return f"ent_{code.lower()}"


def enterprise_code_taken(code: str) -> bool:
    return Enterprise.objects.annotate(code_lower=Lower("code")).filter(code_lower=code.lower()).exists()


def enterprise_application_build(
    *,
    name: str,
    credit_code: str,
    code: str,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
    short_name: str = "",
    industry_code: str = "",
    address: str = "",
    **upstream_info: str,
) -> tuple[Enterprise, dict[str, list[str]]]:
    """An unsaved application and what is wrong with its fields (the form, the API and the
    Excel mass onboarding check a value one way). Uniqueness is the caller's to check: one
    application looks it up, a batch of thousands looks all of its codes up at once."""
    unknown = set(upstream_info) - set(UPSTREAM_INFO_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    enterprise = Enterprise(
        name=name.strip(),
        short_name=short_name.strip(),
        credit_code=credit_code.strip().upper(),
        code=code.strip(),
        schema_name=schema_name_for(code.strip()),
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        contact_email=contact_email.strip(),
        industry_code=industry_code.strip().upper(),
        address=address.strip(),
        status=EnterpriseStatus.APPLIED,
        **{field: (value or "").strip() for field, value in upstream_info.items()},
    )
    errors: dict[str, list[str]] = {}
    try:
        # Uniqueness is checked by the caller with messages of our own (and enforced by the database).
        enterprise.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        if "code" in errors:
            errors.pop("schema_name", None)  # derived from the code: its error says it already
    return enterprise, errors


def _apply_audit_record(enterprise: Enterprise) -> AuditRecord:
    after = {"name": enterprise.name, "code": enterprise.code, "status": enterprise.status}
    return AuditRecord(
        action="enterprise.apply",
        object_type="tenants.Enterprise",
        object_id=enterprise.pk,
        object_repr=enterprise.name,
        changes={key: [None, value] for key, value in after.items()},
        tenant_schema="public",
    )


@transaction.atomic
def enterprise_apply(**fields: str) -> Enterprise:
    """An enterprise asks to join the park. Nothing but the application row is created.
    ``fields``: those of enterprise_application_build, any of UPSTREAM_INFO_FIELDS
    (上级节点前缀申请资料) optional."""
    enterprise, errors = enterprise_application_build(**fields)
    if "code" not in errors and enterprise_code_taken(enterprise.code):
        errors["code"] = [_("企业代码已被使用")]
    if "credit_code" not in errors and Enterprise.objects.filter(credit_code=enterprise.credit_code).exists():
        errors["credit_code"] = [_("该统一社会信用代码已提交过申请")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, errors=errors, code="invalid_application")
    enterprise.save()
    audit_write(
        action="enterprise.apply",
        object_type="tenants.Enterprise",
        object_id=enterprise.pk,
        object_repr=enterprise.name,
        after={"name": enterprise.name, "code": enterprise.code, "status": enterprise.status},
        tenant_schema="public",
    )
    return enterprise


def enterprise_codes_taken(*, codes: list[str], credit_codes: list[str]) -> tuple[set[str], set[str]]:
    """Which of ``codes`` (lower-cased) and ``credit_codes`` are already the park's: two queries
    for a batch of any size."""
    taken_codes = set(
        Enterprise.objects.annotate(code_lower=Lower("code"))
        .filter(code_lower__in=[c.lower() for c in codes])
        .values_list("code_lower", flat=True)
    )
    taken_credit = set(
        Enterprise.objects.filter(credit_code__in=credit_codes).values_list("credit_code", flat=True)
    )
    return taken_codes, taken_credit


@transaction.atomic
def enterprise_apply_many(*, applications: list[Enterprise]) -> list[Enterprise]:
    """Store checked applications (enterprise_application_build, uniqueness checked by the
    caller) at once: one INSERT and one audit COPY, not a round of queries per row."""
    created = Enterprise.objects.bulk_create(applications, batch_size=1000)
    audit_write_many(_apply_audit_record(e) for e in created)
    return created


# ---------------------------------------------------------------- review


@dataclass
class ApprovalResult:
    enterprise: Enterprise
    admin_user: object
    # The one-time initial password of a newly created enterprise administrator; None when the
    # administrator already existed (a second approval creates nothing and reveals nothing).
    initial_password: str | None
    prefix: object
    created: bool


def domain_for(enterprise: Enterprise) -> str:
    return f"{enterprise.code.lower()}.{settings.PARK_DOMAIN}"


def generate_initial_password(length: int = 14) -> str:
    """A random password that meets the complexity policy (all four character classes)."""
    rng = secrets.SystemRandom()
    symbols = "!@#$%^&*-_+="
    chars = [
        rng.choice(string.ascii_uppercase),
        rng.choice(string.ascii_lowercase),
        rng.choice(string.digits),
        rng.choice(symbols),
    ]
    pool = string.ascii_letters + string.digits + symbols
    chars += [rng.choice(pool) for _ in range(length - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)


def portal_url(enterprise: Enterprise) -> str:
    """The enterprise portal's address, with the scheme and port the park's own address uses."""
    from urllib.parse import urlsplit

    from apps.identifiers.carriers import resolution_base

    base = urlsplit(resolution_base())
    port = f":{base.port}" if base.port else ""
    return f"{base.scheme}://{domain_for(enterprise)}{port}/"


def _mail_applicant(enterprise: Enterprise, subject, body, **params: str) -> None:
    """Mail the applicant after commit; a mail server that fails is logged, it does not undo the
    decision. ``subject`` and ``body`` are lazy texts, translated into the park's language (the
    applicant's, not the reviewing administrator's) and filled with ``park``, ``contact``,
    ``name`` and ``params``."""
    from django.core.mail import send_mail

    recipient = enterprise.contact_email
    if not recipient:
        return
    params = {"park": _park_name(), "contact": enterprise.contact_name, "name": enterprise.name, **params}
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = str(subject) % params, str(body) % params

    def send():
        try:
            send_mail(subject, body, None, [recipient])
        except Exception:
            log.exception("mail to the applicant %s (%s) failed", enterprise.code, recipient)

    transaction.on_commit(send)


def _mail_approved(enterprise: Enterprise, admin_username: str) -> None:
    _mail_applicant(
        enterprise,
        gettext_lazy("【%(park)s】入驻申请已批准"),
        gettext_lazy(
            "%(contact)s 您好：\n\n"
            "%(name)s 的入驻申请已批准，企业门户已开通。\n"
            "企业门户：%(url)s\n"
            "企业管理员账号：%(username)s\n\n"
            "初始密码由园区管理员通过其他渠道另行告知，首次登录后请立即修改。\n"
        ),
        url=portal_url(enterprise),
        username=admin_username,
    )


def _mail_rejected(enterprise: Enterprise, reason: str) -> None:
    _mail_applicant(
        enterprise,
        gettext_lazy("【%(park)s】入驻申请未通过"),
        gettext_lazy(
            "%(contact)s 您好：\n\n"
            "%(name)s 的入驻申请未通过审核。\n"
            "原因：%(reason)s\n\n"
            "如有疑问请联系园区管理员；修改后可重新提交申请。\n"
        ),
        reason=reason,
    )


def _park_name() -> str:
    from apps.tenants.selectors import park_get

    park = park_get()
    return park.name if park else ""


def _actor_kwargs(actor) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {}
    return {"actor": actor.get_username(), "actor_user_id": actor.pk}


def _locked(enterprise: Enterprise) -> Enterprise:
    return Enterprise.objects.select_for_update().get(pk=enterprise.pk)


def _ensure_admin_user(
    enterprise: Enterprise, actor, *, with_password: bool = True
) -> tuple[object, str | None]:
    from apps.accounts.choices import EnterpriseRole
    from apps.accounts.models import Membership, User

    existing = (
        Membership.objects.filter(enterprise=enterprise, role=EnterpriseRole.ENTERPRISE_ADMIN)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing.user, None
    base = f"{enterprise.code.lower()}_admin"
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}{n}"
    password = generate_initial_password() if with_password else None
    user = User(
        username=username,
        email=enterprise.contact_email,
        display_name=enterprise.contact_name,
        phone=enterprise.contact_phone,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    Membership.objects.create(user=user, enterprise=enterprise, role=EnterpriseRole.ENTERPRISE_ADMIN)
    audit_write(
        action="user.create",
        object_type="accounts.User",
        object_id=user.pk,
        object_repr=username,
        after={"username": username, "enterprise": enterprise.code, "role": EnterpriseRole.ENTERPRISE_ADMIN},
        tenant_schema=enterprise.schema_name,
        **_actor_kwargs(actor),
    )
    return user, password


def _invite_admin(enterprise: Enterprise, admin_user, actor, task_run_id: int | None) -> bool:
    """Mail a new administrator without a password their invitation, unless they have one
    already (an approval run again) or no mail address. True when the invitation mail (which
    names the portal and the account) replaces the approval mail."""
    from apps.accounts.models import Invitation
    from apps.accounts.services import invitation_send

    if admin_user.has_usable_password() or not admin_user.email:
        return False
    if Invitation.objects.filter(user=admin_user).exists():
        return True
    invitation_send(
        user=admin_user,
        portal_url=portal_url(enterprise),
        park_name=_park_name(),
        enterprise=enterprise,
        task_run_id=task_run_id,
        actor=actor,
    )
    return True


def _ensure_prefix(enterprise: Enterprise, actor):
    from apps.identifiers.choices import PrefixStatus, UpstreamStatus
    from apps.identifiers.models import Prefix
    from apps.tenants.selectors import park_get

    park = park_get()
    if park is None:
        raise ApplicationError(_("园区尚未初始化，请先运行 manage.py bootstrap"), code="park_missing")
    value = f"{park.prefix_root}.{enterprise.code}"
    # lower(prefix) = …: the prefix_ci_unique index (prefix__iexact compiles to UPPER(prefix) = …,
    # a scan of every enterprise's prefix: 10 ms per approval at 10,000 enterprises, not 0.03)
    prefix = Prefix.objects.alias(ci=Lower("prefix")).filter(ci=value.lower()).first()
    if prefix is not None:
        return prefix, False
    prefix = Prefix.objects.create(
        prefix=value,
        enterprise=enterprise,
        status=PrefixStatus.ACTIVE,
        upstream_status=UpstreamStatus.PENDING,
    )
    audit_write(
        action="prefix.create",
        object_type="identifiers.Prefix",
        object_id=prefix.pk,
        object_repr=value,
        after={"prefix": value, "status": prefix.status, "upstream_status": prefix.upstream_status},
        tenant_schema=enterprise.schema_name,
        **_actor_kwargs(actor),
    )
    return prefix, True


def _enqueue_prefix_sync(prefix, *, created: bool) -> None:
    """Write the prefix's upstream application (a PREFIX_APPLY outbox row) in the approval's own
    transaction: a crash leaves either both the prefix and its row, or neither. A pending prefix
    left without a row by an older, half-finished approval gets one now."""
    from apps.identifiers.choices import UpstreamStatus
    from apps.sync.models import OutboxEntry, OutboxOperation
    from apps.sync.services import prefix_sync_enqueue

    if not created:
        if prefix.upstream_status != UpstreamStatus.PENDING:
            return
        if OutboxEntry.objects.filter(operation=OutboxOperation.PREFIX_APPLY, handle=prefix.prefix).exists():
            return
    prefix_sync_enqueue(prefix)
    # The application may be waiting for data: the prefix's message (shown on approval) says which.
    prefix.refresh_from_db(fields=["upstream_status", "upstream_message"])


@transaction.atomic
def enterprise_approve(
    *, enterprise: Enterprise, actor, initial_password: bool = True, task_run_id: int | None = None
) -> ApprovalResult:
    """Approve an application: clone the enterprise's schema from the base schema, add its
    domain, create its administrator and its prefix. Safe to call twice: what exists is kept,
    so a second call (or a call after a half-finished one) creates nothing twice.

    ``initial_password=False`` (a mass onboarding, where no one is shown a password): the new
    administrator gets no usable password, so none is generated, hashed or kept; instead the
    administrator is mailed an invitation, a one-time link to set their own password
    (apps.accounts.services.invitation_send; ``task_run_id`` names the onboarding's run), once."""
    enterprise = _locked(enterprise)
    if enterprise.is_park_operator:
        raise ApplicationError(_("园区运营方无需审批"), code="is_operator")
    if enterprise.status in (EnterpriseStatus.REJECTED, EnterpriseStatus.SUSPENDED):
        raise ApplicationError(
            _("该企业状态为“%(status)s”，不能批准") % {"status": enterprise.get_status_display()},
            code="invalid_status",
        )
    before_status = enterprise.status
    created = False
    if enterprise.status == EnterpriseStatus.APPLIED:
        enterprise.status = EnterpriseStatus.APPROVED
        enterprise.approved_at = timezone.now()
        enterprise.reject_reason = ""
        enterprise.save(update_fields=["status", "approved_at", "reject_reason", "updated_at"])
        created = True
    if not schema_exists(enterprise.schema_name):
        # Clones settings.TENANT_BASE_SCHEMA (TENANT_CREATION_FAKES_MIGRATIONS): no migrations run.
        enterprise.create_schema(check_if_exists=True, verbosity=0)
        connection.set_schema_to_public()
        created = True
    domain_name = domain_for(enterprise)
    _domain, domain_created = Domain.objects.get_or_create(
        domain=domain_name, defaults={"tenant": enterprise, "is_primary": True}
    )
    if _domain.tenant_id != enterprise.pk:
        raise ApplicationError(_("域名 %(domain)s 已被占用") % {"domain": domain_name}, code="domain_taken")
    admin_user, password = _ensure_admin_user(enterprise, actor, with_password=initial_password)
    prefix, prefix_created = _ensure_prefix(enterprise, actor)
    _enqueue_prefix_sync(prefix, created=prefix_created)
    if enterprise.status == EnterpriseStatus.APPROVED:
        enterprise.status = EnterpriseStatus.ACTIVE
        enterprise.save(update_fields=["status", "updated_at"])
        created = True
    created = created or domain_created or password is not None or prefix_created
    if created:
        audit_write(
            action="enterprise.approve",
            object_type="tenants.Enterprise",
            object_id=enterprise.pk,
            object_repr=enterprise.name,
            before={"status": before_status},
            after={
                "status": enterprise.status,
                "schema": enterprise.schema_name,
                "domain": domain_name,
                "prefix": prefix.prefix,
                "admin": admin_user.get_username(),
            },
            tenant_schema="public",
            **_actor_kwargs(actor),
        )
    transaction.on_commit(forget_domains)
    invited = False
    if not initial_password:
        invited = _invite_admin(enterprise, admin_user, actor, task_run_id)
    if before_status != EnterpriseStatus.ACTIVE and not invited:
        _mail_approved(enterprise, admin_user.get_username())
    return ApprovalResult(
        enterprise=enterprise,
        admin_user=admin_user,
        initial_password=password,
        prefix=prefix,
        created=created,
    )


@transaction.atomic
def enterprise_reject(*, enterprise: Enterprise, actor, reason: str) -> Enterprise:
    """Refuse an application with a reason the applicant is told. Nothing is provisioned."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("请填写驳回原因"), errors={"reason": [_("请填写驳回原因")]}, code="reason_required"
        )
    enterprise = _locked(enterprise)
    if enterprise.status != EnterpriseStatus.APPLIED:
        raise ApplicationError(
            _("只能驳回待审核的申请（当前状态：%(status)s）") % {"status": enterprise.get_status_display()},
            code="invalid_status",
        )
    enterprise.status = EnterpriseStatus.REJECTED
    enterprise.reject_reason = reason
    enterprise.save(update_fields=["status", "reject_reason", "updated_at"])
    audit_write(
        action="enterprise.reject",
        object_type="tenants.Enterprise",
        object_id=enterprise.pk,
        object_repr=enterprise.name,
        before={"status": EnterpriseStatus.APPLIED},
        after={"status": enterprise.status, "reject_reason": reason},
        tenant_schema="public",
        **_actor_kwargs(actor),
    )
    _mail_rejected(enterprise, reason)
    return enterprise


@transaction.atomic
def enterprise_suspend(*, enterprise: Enterprise, actor, reason: str = "") -> Enterprise:
    """Suspend an active enterprise: its domain stops answering and its prefixes are suspended,
    so no door (park-domain API, SNMS API, import) writes its identifiers; data is kept."""
    enterprise = _locked(enterprise)
    if enterprise.is_park_operator:
        raise ApplicationError(_("不能暂停园区运营方"), code="is_operator")
    if enterprise.status == EnterpriseStatus.SUSPENDED:
        return enterprise
    if enterprise.status != EnterpriseStatus.ACTIVE:
        raise ApplicationError(_("只能暂停已开通的企业"), code="invalid_status")
    enterprise.status = EnterpriseStatus.SUSPENDED
    enterprise.save(update_fields=["status", "updated_at"])
    from apps.identifiers.choices import PrefixStatus
    from apps.identifiers.prefixes import prefix_suspend

    for prefix in enterprise.prefixes.filter(status=PrefixStatus.ACTIVE):
        prefix_suspend(prefix=prefix, actor=actor, reason=reason)
    audit_write(
        action="enterprise.suspend",
        object_type="tenants.Enterprise",
        object_id=enterprise.pk,
        object_repr=enterprise.name,
        before={"status": EnterpriseStatus.ACTIVE},
        after={"status": enterprise.status, "reason": reason.strip()},
        tenant_schema="public",
        **_actor_kwargs(actor),
    )
    transaction.on_commit(forget_domains)
    return enterprise


@transaction.atomic
def enterprise_resume(*, enterprise: Enterprise, actor) -> Enterprise:
    enterprise = _locked(enterprise)
    if enterprise.status != EnterpriseStatus.SUSPENDED:
        return enterprise
    enterprise.status = EnterpriseStatus.ACTIVE
    enterprise.save(update_fields=["status", "updated_at"])
    from apps.identifiers.choices import PrefixStatus
    from apps.identifiers.prefixes import prefix_resume

    # Revoked prefixes stay revoked; a prefix suspended on its own is resumed with the enterprise.
    for prefix in enterprise.prefixes.filter(status=PrefixStatus.SUSPENDED):
        prefix_resume(prefix=prefix, actor=actor)
    audit_write(
        action="enterprise.resume",
        object_type="tenants.Enterprise",
        object_id=enterprise.pk,
        object_repr=enterprise.name,
        before={"status": EnterpriseStatus.SUSPENDED},
        after={"status": enterprise.status},
        tenant_schema="public",
        **_actor_kwargs(actor),
    )
    transaction.on_commit(forget_domains)
    return enterprise


# ---------------------------------------------------------------- upstream application data
ID_NUMBER_FIELDS = ("contact_id_number", "legal_id_number")


def _masked(value: str) -> str:
    return f"{'*' * max(0, len(value) - 4)}{value[-4:]}" if value else ""


@transaction.atomic
def enterprise_upstream_info_update(*, enterprise: Enterprise, actor, **values: str) -> Enterprise:
    """A park administrator completes or corrects the enterprise's 上级节点前缀申请资料 (any of
    UPSTREAM_FORM_FIELDS). Nothing is written when a value is invalid. Its prefix applications
    waiting for this data are rebuilt and, once complete, sent (after the commit)."""
    unknown = set(values) - set(UPSTREAM_FORM_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    enterprise = _locked(enterprise)
    before = {field: getattr(enterprise, field) for field in values}
    for field, value in values.items():
        value = (value or "").strip()
        setattr(enterprise, field, value.upper() if field == "industry_code" else value)
    try:
        enterprise.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, errors=errors, code="invalid_upstream_info") from None
    after = {field: getattr(enterprise, field) for field in values}
    changes = {field: [before[field], after[field]] for field in values if before[field] != after[field]}
    if not changes:
        return enterprise
    enterprise.save(update_fields=[*changes, "updated_at"])
    audit_write(
        action="enterprise.upstream_info_update",
        object_type="tenants.Enterprise",
        object_id=enterprise.pk,
        object_repr=enterprise.name,
        # ID numbers are personal data: the log shows that they changed, not what they are.
        changes={
            field: [_masked(v) for v in pair] if field in ID_NUMBER_FIELDS else pair
            for field, pair in changes.items()
        },
        tenant_schema="public",
        **_actor_kwargs(actor),
    )
    from apps.sync.services import prefix_upstream_info_completed

    prefix_upstream_info_completed(enterprise)
    return enterprise
