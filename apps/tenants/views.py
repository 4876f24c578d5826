from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.choices import EnterpriseRole
from apps.accounts.decorators import park_role_required
from apps.core.errors import ApplicationError
from apps.tenants.choices import EnterpriseStatus
from apps.tenants.forms import (
    EnterpriseApplicationForm,
    MemberAddForm,
    PrefixRevokeForm,
    RejectForm,
    SuspendForm,
    UpstreamInfoForm,
)
from apps.tenants.selectors import (
    current_enterprise,
    enterprise_get,
    enterprise_list,
    enterprise_upstream_missing,
    membership_get,
    membership_list,
)
from apps.tenants.services import (
    domain_for,
    enterprise_apply,
    enterprise_approve,
    enterprise_reject,
    enterprise_resume,
    enterprise_suspend,
    enterprise_upstream_info_update,
)

PARK_STAFF = ("park_admin", "park_operator", "park_auditor")


def apply(request):
    """Public form (no login): an enterprise applies to join the park."""
    form = EnterpriseApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise_apply(**form.cleaned_data)
        except ApplicationError as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("申请已提交，园区管理员审核后将通过邮件通知您"))
            return redirect("tenants:apply_done")
    return render(request, "tenants/apply.html", {"form": form})


def apply_done(request):
    return render(request, "tenants/apply_done.html")


@park_role_required(*PARK_STAFF)
def enterprise_list_view(request):
    status = request.GET.get("status") or ""
    q = (request.GET.get("q") or "").strip()
    page = Paginator(enterprise_list(status=status, q=q), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "tenants/enterprise_list.html",
        {"page": page, "status": status, "q": q, "statuses": EnterpriseStatus.choices},
    )


def _get_or_404(pk: int):
    enterprise = enterprise_get(pk=pk)
    if enterprise is None:
        raise Http404
    return enterprise


def _detail_context(request, enterprise, **forms) -> dict:
    return {
        "enterprise": enterprise,
        "domains": enterprise.domains.all(),
        "prefixes": enterprise.prefixes.all(),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "suspend_form": SuspendForm(),
        "revoke_form": PrefixRevokeForm(),
        "upstream_form": forms.get("upstream_form") or UpstreamInfoForm(instance=enterprise),
        "upstream_missing": enterprise_upstream_missing(enterprise=enterprise),
        "can_act": request.user.is_park_admin,
    }


@park_role_required(*PARK_STAFF)
def enterprise_detail(request, pk: int):
    enterprise = _get_or_404(pk)
    return render(request, "tenants/enterprise_detail.html", _detail_context(request, enterprise))


@require_POST
@park_role_required("park_admin")
def enterprise_upstream_info_view(request, pk: int):
    """The park administrator completes the 上级节点前缀申请资料; a waiting prefix application
    goes once they are complete."""
    enterprise = _get_or_404(pk)
    form = UpstreamInfoForm(request.POST, instance=enterprise)
    if form.is_valid():
        try:
            enterprise_upstream_info_update(enterprise=enterprise, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已保存上级节点前缀申请资料"))
            return redirect("tenants:enterprise_detail", pk=pk)
    # The form does not write to ``enterprise`` (UpstreamInfoForm._post_clean): it is as stored.
    return render(
        request,
        "tenants/enterprise_detail.html",
        _detail_context(request, enterprise, upstream_form=form),
        status=400,
    )


@require_POST
@park_role_required("park_admin")
def enterprise_approve_view(request, pk: int):
    enterprise = _get_or_404(pk)
    try:
        result = enterprise_approve(enterprise=enterprise, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("tenants:enterprise_detail", pk=pk)
    if not result.created:
        messages.info(request, _("该企业已开通，未做任何更改"))
        return redirect("tenants:enterprise_detail", pk=pk)
    # The initial password is shown in this response only; it is stored nowhere in clear.
    return render(
        request,
        "tenants/approved.html",
        {
            "enterprise": result.enterprise,
            "admin_user": result.admin_user,
            "initial_password": result.initial_password,
            "prefix": result.prefix,
            "domain": domain_for(result.enterprise),
        },
    )


@require_POST
@park_role_required("park_admin")
def enterprise_reject_view(request, pk: int):
    enterprise = _get_or_404(pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            enterprise_reject(enterprise=enterprise, actor=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已驳回该申请"))
            return redirect("tenants:enterprise_detail", pk=pk)
    return render(
        request,
        "tenants/enterprise_detail.html",
        _detail_context(request, enterprise, reject_form=form),
        status=400,
    )


@require_POST
@park_role_required("park_admin")
def enterprise_suspend_view(request, pk: int):
    enterprise = _get_or_404(pk)
    form = SuspendForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        enterprise_suspend(enterprise=enterprise, actor=request.user, reason=reason)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已暂停该企业"))
    return redirect("tenants:enterprise_detail", pk=pk)


@require_POST
@park_role_required("park_admin")
def enterprise_resume_view(request, pk: int):
    enterprise = _get_or_404(pk)
    enterprise_resume(enterprise=enterprise, actor=request.user)
    messages.success(request, _("已恢复该企业"))
    return redirect("tenants:enterprise_detail", pk=pk)


@require_POST
@park_role_required("park_admin")
def prefix_action_view(request, pk: int, prefix_pk: int, action: str):
    """Suspend, resume or revoke one prefix of the enterprise."""
    from apps.identifiers.prefixes import prefix_resume, prefix_revoke, prefix_suspend

    enterprise = _get_or_404(pk)
    prefix = enterprise.prefixes.filter(pk=prefix_pk).first()
    if prefix is None or action not in ("suspend", "resume", "revoke"):
        raise Http404
    try:
        if action == "suspend":
            prefix_suspend(prefix=prefix, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("已暂停前缀 %(prefix)s") % {"prefix": prefix.prefix})
        elif action == "resume":
            prefix_resume(prefix=prefix, actor=request.user)
            messages.success(request, _("已恢复前缀 %(prefix)s") % {"prefix": prefix.prefix})
        else:
            # prefix_revoke refuses an empty reason itself (its message is shown below).
            prefix_revoke(prefix=prefix, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("已注销前缀 %(prefix)s") % {"prefix": prefix.prefix})
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("tenants:enterprise_detail", pk=pk)


# ---------------------------------------------------------------- enterprise domain: members
def _member_admin_enterprise(request):
    """The tenant whose members the caller manages (enterprise administrators; park
    administrators never reach an enterprise domain's pages: they are not members)."""
    from apps.tenants.memberships import can_manage_members

    if not request.user.is_authenticated:
        return None
    enterprise = current_enterprise()
    if enterprise is None:
        raise Http404
    if not can_manage_members(actor=request.user, enterprise=enterprise):
        raise PermissionDenied
    return enterprise


def _form_errors(form, exc: ApplicationError) -> None:
    for field, errors in (exc.errors or {None: [exc.message]}).items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


def member_list_view(request):
    from apps.tenants.memberships import membership_create

    enterprise = _member_admin_enterprise(request)
    if enterprise is None:
        return redirect_to_login(request.get_full_path())
    form = MemberAddForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = membership_create(actor=request.user, enterprise=enterprise, **form.cleaned_data)
            except ApplicationError as exc:
                _form_errors(form, exc)
            else:
                if result.initial_password is None:
                    messages.success(
                        request, _("已将 %(user)s 加入本企业") % {"user": result.membership.user.username}
                    )
                    return redirect("tenants:members")
                # The initial password is shown in this response only; it is stored nowhere in clear.
                return render(
                    request,
                    "tenants/member_created.html",
                    {"membership": result.membership, "initial_password": result.initial_password},
                )
        status = 400
    return render(
        request,
        "tenants/member_list.html",
        {
            "enterprise": enterprise,
            "memberships": membership_list(enterprise=enterprise),
            "form": form,
            "roles": EnterpriseRole.choices,
        },
        status=status,
    )


def _membership_or_404(request, pk: int):
    enterprise = _member_admin_enterprise(request)
    if enterprise is None:
        raise PermissionDenied
    membership = membership_get(enterprise=enterprise, pk=pk)
    if membership is None:
        raise Http404
    return membership


@require_POST
def member_role_view(request, pk: int):
    from apps.tenants.memberships import membership_set_role

    membership = _membership_or_404(request, pk)
    try:
        # The service owns the list of valid roles (and says so in the user's language).
        membership_set_role(actor=request.user, membership=membership, role=request.POST.get("role", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已更改 %(user)s 的角色") % {"user": membership.user.username})
    return redirect("tenants:members")


@require_POST
def member_remove_view(request, pk: int):
    from apps.tenants.memberships import membership_remove

    membership = _membership_or_404(request, pk)
    try:
        membership_remove(actor=request.user, membership=membership)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已将 %(user)s 移出本企业") % {"user": membership.user.username})
    return redirect("tenants:members")
