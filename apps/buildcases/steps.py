"""The automated steps a checklist item can name. Each takes the case and reports progress,
returns a small JSON result (``summary`` and ``summary_msg`` are shown on the timeline) or
raises StepError with a message the case page shows. Each is safe to run twice.

Summaries and errors keep their message key and parameters (apps.buildcases.messages): the
worker writes them, the page shows them in its reader's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.buildcases.choices import AutomatedStep
from apps.buildcases.messages import choice, msg, render
from apps.core.errors import ApplicationError

Progress = Callable[[int, str], None]


class StepError(ApplicationError):
    """A step's refusal, with its message key kept for the page to translate."""

    def __init__(self, key: str, *, code: str, **params):
        self.payload = msg(key, **params)
        super().__init__(render(self.payload), code=code)


def _summary(key: str, **params) -> dict:
    payload = msg(key, **params)
    return {"summary": render(payload), "summary_msg": payload}


def _optional(module_path: str, name: str):
    """A function another app offers, or None while that app does not have it."""
    try:
        module = import_module(module_path)
    except ModuleNotFoundError:
        return None
    return getattr(module, name, None)


def _enterprise_of(case):
    if case.enterprise_id is None:
        raise StepError(gettext_noop("该步骤只适用于企业节点（需指定建设主体企业）"), code="no_enterprise")
    return case.enterprise


def _prefix_of(enterprise):
    from apps.identifiers.models import Prefix

    return Prefix.objects.filter(enterprise=enterprise).order_by("pk").first()


def provision_tenant(*, case, item, actor, progress: Progress) -> dict:
    from apps.buildcases.permissions import PROVISION_REFUSED, can_provision
    from apps.core.errors import PermissionDenied
    from apps.tenants.services import enterprise_approve

    enterprise = _enterprise_of(case)
    if not can_provision(actor, case):
        raise PermissionDenied(_(PROVISION_REFUSED))
    progress(20, _("正在开通企业租户"))
    result = enterprise_approve(enterprise=enterprise, actor=actor)
    progress(90, _("租户已开通"))
    # The one-time initial password is not kept here: the enterprise administrator gets it from
    # the approval page or a password reset, never from the case record.
    return {
        **_summary(
            gettext_noop("企业 %(code)s，Schema %(schema)s，管理员 %(admin)s"),
            code=enterprise.code,
            schema=enterprise.schema_name,
            admin=result.admin_user.get_username(),
        ),
        "schema": enterprise.schema_name,
        "admin": result.admin_user.get_username(),
        "admin_created": result.initial_password is not None,
        "prefix": result.prefix.prefix,
    }


def allocate_prefix(*, case, item, actor, progress: Progress) -> dict:
    enterprise = _enterprise_of(case)
    progress(30, _("正在确认前缀"))
    prefix = _prefix_of(enterprise)
    if prefix is None:
        raise StepError(gettext_noop("企业尚无前缀，请先完成“开通企业租户”"), code="no_prefix")
    return {
        **_summary(gettext_noop("前缀 %(prefix)s"), prefix=prefix.prefix),
        "prefix": prefix.prefix,
        "status": prefix.status,
    }


def sync_prefix(*, case, item, actor, progress: Progress) -> dict:
    """Done once the prefix application is on its way to (or accepted by) the upstream node;
    failed while the application is stopped, failed or rejected there."""
    enterprise = _enterprise_of(case)
    prefix = _prefix_of(enterprise)
    if prefix is None:
        raise StepError(gettext_noop("企业尚无前缀，请先完成“前缀分配”"), code="no_prefix")
    enqueue = _optional("apps.sync.services", "prefix_sync_enqueue")
    if enqueue is None:
        return {
            **_summary(gettext_noop("同步模块未提供前缀同步，跳过")),
            "prefix": prefix.prefix,
            "skipped": True,
        }
    from apps.identifiers.choices import UpstreamStatus
    from apps.sync.models import OutboxEntry, OutboxOperation, OutboxStatus

    progress(40, _("正在提交前缀申请"))
    # Approval already queues the application of a new prefix: queue it again only if it is missing.
    entry = (
        OutboxEntry.objects.filter(operation=OutboxOperation.PREFIX_APPLY, handle__iexact=prefix.prefix)
        .order_by("-pk")
        .first()
    )
    queued = entry is None
    if queued:
        entry = enqueue(prefix)
    prefix.refresh_from_db()
    upstream = choice("upstream", prefix.upstream_status)
    if prefix.upstream_status == UpstreamStatus.REJECTED:
        raise StepError(
            gettext_noop("上级节点驳回了前缀 %(prefix)s 的申请：%(reason)s"),
            code="prefix_rejected",
            prefix=prefix.prefix,
            reason=prefix.upstream_message or "-",
        )
    if entry.status in (OutboxStatus.FAILED, OutboxStatus.STOPPED):
        raise StepError(
            gettext_noop(
                "前缀 %(prefix)s 的同步%(status)s（上级节点状态：%(upstream)s）：%(error)s。请在同步页面处理后重试"
            ),
            code="sync_failed",
            prefix=prefix.prefix,
            status=choice("outbox", entry.status),
            upstream=upstream,
            error=entry.last_error or "-",
        )
    return {
        **_summary(
            gettext_noop("前缀 %(prefix)s 已提交同步（%(status)s）"), prefix=prefix.prefix, status=upstream
        ),
        "prefix": prefix.prefix,
        "outbox_entry": entry.pk,
        "outbox_status": entry.status,
        "queued_now": queued,
        "upstream_status": prefix.upstream_status,
    }


def issue_api_credentials(*, case, item, actor, progress: Progress) -> dict:
    """An API client of the enterprise for this case: its own service account and token, revoked
    alone on the enterprise's API access page. The key is held for the enterprise administrator
    to read once (services.credential_take), never in the case record."""
    from apps.buildcases.events import acting_user
    from apps.buildcases.services import credential_hold
    from apps.identifiers.api_clients import api_client_create
    from apps.identifiers.models import APIClient
    from apps.tenants.choices import EnterpriseStatus

    enterprise = _enterprise_of(case)
    if enterprise.status != EnterpriseStatus.ACTIVE:
        raise StepError(gettext_noop("企业租户尚未开通，请先完成“开通企业租户”"), code="no_tenant")
    # The client's name is data looked up on the next run: always in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        base = _("建设案例 %(pk)s") % {"pk": case.pk}
    clients = APIClient.objects.filter(enterprise=enterprise, name__startswith=base).select_related("user")
    client = clients.filter(is_active=True).order_by("pk").first()
    issued = client is None
    if issued:
        progress(50, _("正在签发接口凭证"))
        # A revoked client keeps its name: a new one takes the next free number.
        taken = set(clients.values_list("name", flat=True))
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}-{n}"
        client, key = api_client_create(actor=acting_user(actor), enterprise=enterprise, name=name)
        credential_hold(item_id=item.pk, key=key)
    return {
        **_summary(
            gettext_noop("接口客户端“%(name)s”（服务账号 %(user)s）"),
            name=client.name,
            user=client.user.get_username(),
        ),
        "client": client.pk,
        "client_name": client.name,
        "user": client.user.get_username(),
        "issued_now": issued,
    }


def monitoring_snapshot(*, case, item, actor, progress: Progress) -> dict:
    from apps.buildcases.services import monitoring_snapshot_take

    progress(20, _("正在采集节点指标"))
    snapshot = monitoring_snapshot_take(case=case)
    if not snapshot.probe_ok:
        raise StepError(
            gettext_noop("解析服务探测失败（%(url)s）：%(error)s"),
            code="probe_failed",
            url=snapshot.probe_url,
            error=snapshot.probe_error,
        )
    return {
        **_summary(
            gettext_noop(
                "标识 %(ids)s 个，近 24 小时解析 %(res)s 次，待同步 %(pending)s 条，探测 %(ms)s 毫秒"
            ),
            ids=snapshot.identifiers,
            res=snapshot.resolutions_24h,
            pending=snapshot.sync_pending,
            ms=snapshot.probe_ms,
        ),
        "snapshot": snapshot.pk,
        "identifiers": snapshot.identifiers,
        "resolutions_24h": snapshot.resolutions_24h,
        "sync_pending": snapshot.sync_pending,
        "sync_lag_seconds": snapshot.sync_lag_seconds,
        "availability": str(snapshot.availability),
    }


def evaluate(*, case, item, actor, progress: Progress) -> dict:
    """Evaluation indicators from the case's own record, and the park evaluation report
    (apps.reports) requested for the build period and linked on the case."""
    from django.db.models import Avg, Max

    from apps.buildcases.choices import ItemState
    from apps.buildcases.models import BuildCase

    progress(20, _("正在计算评价指标"))
    snapshots = case.snapshots.all()
    figures = snapshots.aggregate(availability=Avg("availability"), identifiers=Max("identifiers"))
    latest = snapshots.order_by("-taken_at", "-id").first()
    items = case.items.filter(required=True)
    done = items.filter(state=ItemState.DONE).count()
    total = items.count()
    indicators = {
        "snapshots": snapshots.count(),
        "availability_avg": round(float(figures["availability"] or 0), 2),
        "identifiers": latest.identifiers if latest else 0,
        "resolutions_24h": latest.resolutions_24h if latest else 0,
        "sync_pending": latest.sync_pending if latest else 0,
        "alerts": case.events.filter(kind="alert").count(),
        "required_items_done": done,
        "required_items_total": total,
        "build_days": (timezone.localdate() - case.started_on).days,
        "computed_at": timezone.now().isoformat(),
    }
    report_request = _optional("apps.reports.services", "report_request")
    report_id = None
    if report_request is None:
        indicators["note"] = _("报告模块不可用，未生成评估报告")
    else:
        from apps.reports.choices import ReportKind

        progress(60, _("正在申请评估报告"))
        end = timezone.localdate()
        start = max(case.started_on, end - dt.timedelta(days=365))
        kind = ReportKind.ENTERPRISE if case.enterprise_id else ReportKind.PARK_EVALUATION
        report = report_request(
            kind=kind, period_start=start, period_end=end, user=actor, enterprise=case.enterprise
        )
        report_id = report.pk
    BuildCase.objects.filter(pk=case.pk).update(evaluation=indicators, evaluation_report_id=report_id)
    return {
        # The item is done when the report is, failed when it fails (services.evaluation_settle).
        "awaiting_report": report_id is not None,
        **_summary(
            gettext_noop("可用性均值 %(avail)s%%，必需事项完成 %(done)s/%(total)s"),
            avail=indicators["availability_avg"],
            done=done,
            total=total,
        ),
        "indicators": indicators,
        "report": report_id,
    }


STEPS = {
    AutomatedStep.PROVISION_TENANT: provision_tenant,
    AutomatedStep.ALLOCATE_PREFIX: allocate_prefix,
    AutomatedStep.SYNC_PREFIX: sync_prefix,
    AutomatedStep.ISSUE_API_CREDENTIALS: issue_api_credentials,
    AutomatedStep.MONITORING_SNAPSHOT: monitoring_snapshot,
    AutomatedStep.EVALUATE: evaluate,
}


def run(name: str, *, case, item, actor, progress: Progress) -> dict:
    step = STEPS.get(name)
    if step is None:
        raise StepError(gettext_noop("未知的自动步骤：%(name)s"), code="unknown_step", name=name)
    return step(case=case, item=item, actor=actor, progress=progress)
