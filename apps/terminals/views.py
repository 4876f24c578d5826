"""Terminal pages. Enterprise domain: its terminals (online state, credentials, readings,
alerts), enrolment and the credential actions. Park domain: statistics across enterprises."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tenants.utils import get_public_schema_name

from apps.accounts.decorators import park_role_required
from apps.core import charts
from apps.core.errors import ApplicationError
from apps.identifiers.forms import OBJECT_CODE
from apps.identifiers.services import can_write
from apps.identifiers.views import portal_user
from apps.terminals import selectors, services
from apps.terminals.choices import AlertKind
from apps.terminals.forms import EnrolForm, ReasonForm, RotateForm
from apps.terminals.models import TerminalCredential

PARK_STAFF = ("park_admin", "park_operator", "park_auditor")


def _enterprise():
    tenant = getattr(connection, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        raise Http404
    return tenant


def _terminal(pk: int):
    terminal = selectors.terminal_get(_enterprise(), pk)
    if terminal is None:
        raise Http404
    return terminal


@portal_user
def terminal_list_view(request):
    enterprise = _enterprise()
    rows = selectors.terminal_rows(enterprise)
    alerts = [(row, kind) for row in rows for kind in row.alerts]
    alert = request.GET.get("alert") or ""
    if alert in AlertKind.values:  # ?alert=expiring: the workbench's to-do link
        alerts = [(row, kind) for row, kind in alerts if kind == alert]
    return render(
        request,
        "terminals/terminal_list.html",
        {
            "rows": rows,
            "alerts": alerts,
            "online": sum(r.online for r in rows),
            "templates": selectors.terminal_templates(enterprise),
            "can_write": can_write(request.user, enterprise),
        },
    )


@portal_user
def terminal_detail_view(request, pk: int):
    terminal = _terminal(pk)
    row = selectors.terminal_rows(terminal.enterprise, terminals=[terminal])[0]
    readings = selectors.readings_recent(terminal)
    labels, series = selectors.reading_series(readings)
    chart = charts.line_chart(labels, series, title=_("读数"), width=720) if series else ""
    return render(
        request,
        "terminals/terminal_detail.html",
        {
            "row": row,
            "terminal": terminal,
            "credentials": selectors.terminal_credentials(terminal),
            "readings": list(reversed(readings))[:50],
            "chart": mark_safe(chart),  # noqa: S308 - apps.core.charts escapes every label
            "can_write": can_write(request.user, terminal.enterprise),
            "rotate_form": RotateForm(),
            "key_action": "rotate"
            if row.credential is not None and row.credential.state == "active"
            else "issue",
            "reason_form": ReasonForm(),
        },
    )


def _template_and_version(enterprise, template_pk):
    from apps.metadata.selectors import template_current_version

    templates = {t.pk: t for t in selectors.terminal_templates(enterprise)}
    if not templates:
        raise Http404
    template = templates.get(int(template_pk)) if template_pk else next(iter(templates.values()))
    if template is None:
        raise Http404
    return template, template_current_version(template)


@portal_user
def terminal_enrol_view(request):
    from apps.metadata.selectors import effective_items

    enterprise = _enterprise()
    if not can_write(request.user, enterprise):
        raise PermissionDenied
    template, version = _template_and_version(enterprise, request.GET.get("template"))
    kwargs = {
        "items": effective_items(version),
        "with_object_code": True,
        "use_check": template.use_check_character,
    }
    if request.method == "POST":
        form = EnrolForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                issued = services.terminal_enrol(
                    actor=request.user,
                    enterprise=enterprise,
                    template_version=version,
                    values={k: v for k, v in form.raw_values().items() if v not in (None, "")},
                    object_code=form.cleaned_data.get(OBJECT_CODE) or None,
                    public_key=form.cleaned_data.get("public_key"),
                    algorithm=form.cleaned_data.get("generate") or None,
                    valid_days=form.cleaned_data.get("valid_days"),
                )
            except ApplicationError as exc:
                form.apply_errors(exc.errors or {None: [exc.message]})
            else:
                return _issued(request, issued)
    else:
        form = EnrolForm(**kwargs)
    return render(
        request, "terminals/terminal_enrol.html", {"form": form, "template": template, "version": version}
    )


def _issued(request, issued):
    """After issuing: a generated private key is shown on this answer only (never stored)."""
    messages.success(request, _("凭证已签发：%(handle)s") % {"handle": issued.credential.terminal.handle})
    if issued.private_key_pem:
        response = render(
            request,
            "terminals/private_key_once.html",
            {"credential": issued.credential, "private_key": issued.private_key_pem},
        )
        response["Cache-Control"] = "no-store"
        return response
    return redirect("terminals:detail", pk=issued.credential.terminal_id)


def _credential(terminal, credential_pk) -> TerminalCredential:
    return get_object_or_404(TerminalCredential, terminal=terminal, pk=credential_pk)


@portal_user
@require_POST
def credential_action_view(request, pk: int, action: str, credential_pk: int | None = None):
    terminal = _terminal(pk)
    if not can_write(request.user, terminal.enterprise):
        raise PermissionDenied
    try:
        if action in ("rotate", "issue"):
            form = RotateForm(request.POST)
            if not form.is_valid():
                messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
                return redirect("terminals:detail", pk=terminal.pk)
            key_args = {
                "actor": request.user,
                "terminal": terminal,
                "public_key": form.cleaned_data.get("public_key"),
                "algorithm": form.cleaned_data.get("generate") or None,
                "valid_days": form.cleaned_data.get("valid_days"),
            }
            if action == "rotate":
                issued = services.credential_rotate(grace_hours=form.cleaned_data["grace_hours"], **key_args)
            else:
                issued = services.credential_issue(**key_args)
            return _issued(request, issued)
        credential = _credential(terminal, credential_pk)
        reason = ReasonForm(request.POST)
        reason.is_valid()
        text = reason.cleaned_data.get("reason", "")
        if action == "suspend":
            services.credential_suspend(actor=request.user, credential=credential, reason=text)
        elif action == "resume":
            services.credential_resume(actor=request.user, credential=credential)
        elif action == "revoke":
            services.credential_revoke(actor=request.user, credential=credential, reason=text)
        else:
            raise Http404
        messages.success(request, _("凭证状态已更新"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("terminals:detail", pk=terminal.pk)


def park_charts(stats, *, width: int = 720) -> dict[str, str]:
    """The park's terminal charts (SVG): authentications per hour, refusals by reason, online
    terminals per enterprise. The statistics page and the park workbench's card show them."""
    return {
        "hourly_chart": mark_safe(  # noqa: S308 - apps.core.charts escapes every label
            charts.line_chart(
                [h for h, _ok, _bad in stats.hourly],
                [
                    (_("认证成功"), [ok for _h, ok, _bad in stats.hourly]),
                    (_("认证失败"), [bad for _h, _ok, bad in stats.hourly]),
                ],
                title=_("每小时终端认证次数"),
                width=width,
            )
        ),
        "failure_chart": mark_safe(  # noqa: S308
            charts.hbar_chart(stats.failures, title=_("认证失败原因"))
        ),
        "enterprise_chart": mark_safe(  # noqa: S308
            charts.hbar_chart(
                [(name, online) for name, _e, online in stats.by_enterprise], title=_("各企业在线终端数")
            )
        ),
    }


@park_role_required(*PARK_STAFF)
def park_statistics_view(request):
    stats = selectors.park_statistics(now=timezone.now())
    return render(request, "terminals/park_statistics.html", {"stats": stats, **park_charts(stats)})
