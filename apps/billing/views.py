"""Billing pages. Park domain: the park's billing readers (admin, 财务人员, auditor) read, the
admin and 财务人员 write; anyone else gets 403 (anonymous: the login page). Enterprise domain:
the enterprise's administrators and 财务 members see its own billing; other members get 403 and
another enterprise's bill is a 404. Views call apps.billing.services and selectors only."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.billing import dashboard as billing_dashboard
from apps.billing import exports, forms, rendering, selectors, services
from apps.billing.choices import BillKind, BillStatus, InvoiceRequestStatus, PaymentState
from apps.billing.models import InvoiceRequest, ManualCharge, Plan, PriceList
from apps.billing.periods import current_period, parse_period, previous_month, today
from apps.billing.permissions import (
    can_manage_billing,
    can_read_enterprise_billing,
    can_read_park_billing,
    can_request_invoice,
)
from apps.core.errors import ApplicationError
from apps.tenants.selectors import current_enterprise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------- guards


def park_reader(view):
    """Park domain, park billing readers; POST only for the park's billing managers."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if current_enterprise() is not None:
            raise Http404
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_read_park_billing(request.user):
            raise PermissionDenied
        if request.method == "POST" and not can_manage_billing(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def enterprise_reader(view):
    """Enterprise domain: that enterprise's administrators and 财务 members (and park readers)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        enterprise = current_enterprise()
        if enterprise is None:
            raise Http404
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_read_enterprise_billing(request.user, enterprise):
            raise PermissionDenied
        return view(request, enterprise, *args, **kwargs)

    return wrapped


def _done(request, message: str, to: str, *args):
    messages.success(request, message)
    return redirect(to, *args)


def _refused(request, exc: ApplicationError):
    messages.error(request, exc.message)


def _page(request, queryset, per_page: int = 30):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


# ---------------------------------------------------------------- park: dashboard, settings


@park_reader
def dashboard_view(request):
    context = billing_dashboard.dashboard()
    context["can_manage"] = can_manage_billing(request.user)
    return render(request, "billing/dashboard.html", context)


@park_reader
def settings_view(request):
    current = selectors.billing_settings()
    form = forms.BillingSettingsForm(
        request.POST or None, initial=forms.BillingSettingsForm.initial_from(current)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.billing_settings_update(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            forms.apply_errors(form, exc)
        else:
            return _done(request, _("计费设置已保存"), "billing:settings")
    return render(
        request,
        "billing/settings.html",
        {"form": form, "settings": current, "can_manage": can_manage_billing(request.user)},
    )


# ---------------------------------------------------------------- park: price lists


@park_reader
def price_list_list_view(request):
    return render(
        request,
        "billing/price_list_list.html",
        {
            "price_lists": selectors.price_list_list(),
            "current": selectors.price_list_current(),
            "can_manage": can_manage_billing(request.user),
        },
    )


def _price_list_form_page(request, price_list: PriceList | None):
    form = forms.PriceListForm(request.POST or None, price_list=price_list)
    if request.method == "POST" and form.is_valid():
        values = {
            "name": form.cleaned_data["name"],
            "effective_from": form.cleaned_data["effective_from"],
            "note": form.cleaned_data["note"],
            "prices": form.prices(),
        }
        try:
            if price_list is None:
                saved = services.price_list_create(actor=request.user, **values)
            else:
                saved = services.price_list_update(actor=request.user, price_list=price_list, **values)
        except ApplicationError as exc:
            forms.apply_errors(form, exc, form.field_for)
        else:
            return _done(request, _("资费标准“%(name)s”已保存") % {"name": saved.name}, "billing:price_lists")
    return render(request, "billing/price_list_form.html", {"form": form, "price_list": price_list})


@park_reader
def price_list_create_view(request):
    if not can_manage_billing(request.user):
        raise PermissionDenied
    return _price_list_form_page(request, None)


@park_reader
def price_list_detail_view(request, pk: int):
    price_list = get_object_or_404(selectors.price_list_list(), pk=pk)
    if price_list.is_locked or not can_manage_billing(request.user):
        return render(
            request,
            "billing/price_list_detail.html",
            {"price_list": price_list, "can_manage": can_manage_billing(request.user)},
        )
    return _price_list_form_page(request, price_list)


@require_POST
@park_reader
def price_list_delete_view(request, pk: int):
    price_list = get_object_or_404(PriceList, pk=pk)
    try:
        services.price_list_delete(actor=request.user, price_list=price_list)
    except ApplicationError as exc:
        _refused(request, exc)
        return redirect("billing:price_list", pk)
    return _done(request, _("资费标准已删除"), "billing:price_lists")


# ---------------------------------------------------------------- park: plans


@park_reader
def plan_list_view(request):
    form = forms.PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **form.values())
        except ApplicationError as exc:
            forms.apply_errors(form, exc)
        else:
            return _done(request, _("套餐“%(name)s”已创建") % {"name": plan.name}, "billing:plans")
    return render(
        request,
        "billing/plan_list.html",
        {
            "plans": selectors.plan_list(),
            "form": form,
            "assign_form": forms.PlanAssignForm(),
            "can_manage": can_manage_billing(request.user),
        },
    )


@park_reader
def plan_edit_view(request, pk: int):
    plan = get_object_or_404(Plan, pk=pk)
    form = forms.PlanForm(request.POST or None, initial=forms.PlanForm.initial_from(plan))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=request.user, plan=plan, **form.values())
        except ApplicationError as exc:
            forms.apply_errors(form, exc)
        else:
            return _done(request, _("套餐“%(name)s”已保存") % {"name": plan.name}, "billing:plans")
    return render(
        request,
        "billing/plan_edit.html",
        {"plan": plan, "form": form, "can_manage": can_manage_billing(request.user)},
    )


@require_POST
@park_reader
def plan_assign_view(request):
    form = forms.PlanAssignForm(request.POST)
    back = request.POST.get("next") or ""
    if form.is_valid():
        enterprise = form.cleaned_data["enterprise"]
        try:
            assignment = services.plan_assign(
                actor=request.user,
                enterprise=enterprise,
                plan=form.cleaned_data["plan"],
                effective_from=form.cleaned_data["effective_from"],
            )
        except ApplicationError as exc:
            _refused(request, exc)
        else:
            messages.success(
                request,
                _("%(enterprise)s 自 %(month)s 起使用套餐“%(plan)s”")
                % {
                    "enterprise": enterprise.name,
                    "month": f"{assignment.effective_from:%Y-%m}",
                    "plan": assignment.plan.name,
                },
            )
        if back == "enterprise":
            return redirect("billing:enterprise", enterprise.pk)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("billing:plans")


# ---------------------------------------------------------------- park: runs


@park_reader
def run_list_view(request):
    default = {"period": f"{previous_month(current_period()):%Y-%m}"}
    form = forms.BillingRunForm(request.POST or None, initial=default)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.billing_run_start(actor=request.user, period=form.cleaned_data["period"])
        except ApplicationError as exc:
            forms.apply_errors(form, exc)
        else:
            return _done(
                request,
                _("%(month)s 月度计费已开始") % {"month": f"{run.period:%Y-%m}"},
                "billing:run",
                run.pk,
            )
    return render(
        request,
        "billing/run_list.html",
        {
            "form": form,
            "page": _page(request, selectors.billing_run_list()),
            "can_manage": can_manage_billing(request.user),
        },
    )


@park_reader
def run_detail_view(request, pk: int):
    run = get_object_or_404(selectors.billing_run_list(), pk=pk)
    bills = selectors.bill_list(user=request.user, period=run.period, kind=BillKind.BILL)
    drafts = bills.filter(status=BillStatus.DRAFT).count()
    return render(
        request,
        "billing/run_detail.html",
        {
            "run": run,
            "bill_count": bills.count(),
            "drafts": drafts,
            "issue_form": forms.IssuePeriodForm(initial={"period": f"{run.period:%Y-%m}"}),
            "can_manage": can_manage_billing(request.user),
        },
    )


@require_POST
@park_reader
def issue_period_view(request):
    form = forms.IssuePeriodForm(request.POST)
    if not form.is_valid():
        raise Http404
    period = form.cleaned_data["period"]
    try:
        count = services.bills_issue(actor=request.user, period=period)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request, _("已开出 %(month)s 的 %(n)s 张账单") % {"month": f"{period:%Y-%m}", "n": count}
        )
    return redirect(f"{_url('billing:bills')}?period={period:%Y-%m}")


def _url(name: str, *args) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


# ---------------------------------------------------------------- park: bills


def _bill_filters(request) -> dict:
    period_text = (request.GET.get("period") or "").strip()
    return {
        "period_text": period_text,
        "period": parse_period(period_text) if period_text else None,
        "status": request.GET.get("status") or "",
        "kind": request.GET.get("kind") or "",
        "payment_state": request.GET.get("payment_state") or "",
        "q": (request.GET.get("q") or "").strip(),
    }


@park_reader
def bill_list_view(request):
    filters = _bill_filters(request)
    bills = selectors.bill_list(
        user=request.user,
        period=filters["period"],
        status=filters["status"] if filters["status"] in BillStatus.values else None,
        kind=filters["kind"] if filters["kind"] in BillKind.values else None,
        payment_state=filters["payment_state"] if filters["payment_state"] in PaymentState.values else None,
        q=filters["q"] or None,
    )
    return render(
        request,
        "billing/bill_list.html",
        {
            "page": _page(request, bills, 50),
            "filters": filters,
            "statuses": BillStatus.choices,
            "kinds": BillKind.choices,
            "payment_states": PaymentState.choices,
            "can_manage": can_manage_billing(request.user),
        },
    )


def _park_bill(request, pk: int):
    bill = selectors.bill_get(user=request.user, pk=pk)
    if bill is None:
        raise Http404
    return bill


@park_reader
def bill_detail_view(request, pk: int):
    bill = _park_bill(request, pk)
    return render(
        request,
        "billing/bill_detail.html",
        {
            "bill": bill,
            "credit_form": forms.CreditNoteForm(),
            "allocations": bill.allocations.select_related("payment").order_by("id"),
            "invoice_requests": bill.invoice_requests.all(),
            "can_manage": can_manage_billing(request.user),
            "park_side": True,
        },
    )


@require_POST
@park_reader
def bill_regenerate_view(request, pk: int):
    bill = _park_bill(request, pk)
    try:
        services.bill_regenerate(actor=request.user, bill=bill)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("账单草稿已按当前用量重新生成"))
    return redirect("billing:bill_detail", pk)


@require_POST
@park_reader
def bill_issue_view(request, pk: int):
    bill = _park_bill(request, pk)
    try:
        issued = services.bill_issue(actor=request.user, bill=bill)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("账单 %(number)s 已开出，到期日 %(due)s") % {"number": issued.number, "due": issued.due_date},
        )
    return redirect("billing:bill_detail", pk)


@park_reader
def bill_credit_view(request, pk: int):
    bill = _park_bill(request, pk)
    form = forms.CreditNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            note = services.credit_note_create(
                actor=request.user, bill=bill, reason=form.cleaned_data["reason"], lines=form.lines()
            )
        except ApplicationError as exc:
            forms.apply_errors(form, exc, lambda name: "amount" if name.startswith("lines") else name)
        else:
            return _done(
                request,
                _("已开出红冲账单 %(number)s（¥%(total)s）") % {"number": note.number, "total": note.total},
                "billing:bill_detail",
                note.pk,
            )
    return render(request, "billing/credit_note_form.html", {"bill": bill, "form": form})


def _pdf_response(bill) -> HttpResponse:
    try:
        content = rendering.bill_pdf(bill)
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=getattr(exc, "status_code", 503), content_type="text/plain")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{rendering.bill_pdf_filename(bill)}"'
    return response


@park_reader
def bill_pdf_view(request, pk: int):
    return _pdf_response(_park_bill(request, pk))


# ---------------------------------------------------------------- park: payments, receivables


@park_reader
def payment_list_view(request):
    open_bills = billing_dashboard.open_bills(user=request.user)
    initial = {"received_on": today()}
    if request.GET.get("bill"):
        bill = open_bills.filter(pk=request.GET["bill"]).first()
        if bill is not None:
            initial.update({"enterprise": bill.enterprise_id, "bills": [bill.pk], "amount": bill.open})
    form = forms.PaymentForm(request.POST or None, initial=initial, open_bills=open_bills)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.payment_record(
                actor=request.user,
                enterprise=data["enterprise"],
                reference=data["reference"],
                amount=data["amount"],
                received_on=data["received_on"],
                bills=list(data["bills"]) or None,
                payer_name=data["payer_name"],
                note=data["note"],
            )
        except ApplicationError as exc:
            forms.apply_errors(form, exc)
        else:
            return _done(
                request,
                _("已登记收款 %(reference)s ¥%(amount)s")
                % {"reference": payment.reference, "amount": payment.amount},
                "billing:payments",
            )
    q = (request.GET.get("q") or "").strip()
    return render(
        request,
        "billing/payment_list.html",
        {
            "form": form,
            "q": q,
            "page": _page(request, selectors.payment_list(user=request.user, q=q or None)),
            "can_manage": can_manage_billing(request.user),
        },
    )


@park_reader
def receivables_view(request):
    q = (request.GET.get("q") or "").strip()
    bucket = request.GET.get("bucket") or ""
    report = selectors.receivables(user=request.user, q=q or None)
    if bucket:
        report["rows"] = [row for row in report["rows"] if row["bucket"] == bucket]
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(exports.receivables_workbook(report), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="receivables-{report["on"]:%Y%m%d}.xlsx"'
        return response
    buckets = [(name, exports.bucket_label(name), amount) for name, amount in report["totals"].items()]
    return render(
        request,
        "billing/receivables.html",
        {"report": report, "buckets": buckets, "q": q, "bucket": bucket},
    )


# ---------------------------------------------------------------- park: invoice requests


@park_reader
def invoice_list_view(request):
    status = request.GET.get("status") or InvoiceRequestStatus.REQUESTED
    requests = selectors.invoice_request_list(
        user=request.user, status=status if status in InvoiceRequestStatus.values else None
    )
    return render(
        request,
        "billing/invoice_list.html",
        {
            "page": _page(request, requests),
            "status": status,
            "statuses": InvoiceRequestStatus.choices,
            "can_manage": can_manage_billing(request.user),
        },
    )


@park_reader
def invoice_detail_view(request, pk: int):
    invoice = get_object_or_404(selectors.invoice_request_list(user=request.user), pk=pk)
    issue_form = forms.InvoiceIssueForm(request.POST or None, request.FILES or None)
    reject_form = forms.RejectForm(request.POST or None) if request.POST.get("action") == "reject" else None
    if request.method == "POST":
        if request.POST.get("action") == "reject":
            issue_form = forms.InvoiceIssueForm()
            if reject_form.is_valid():
                try:
                    services.invoice_request_reject(
                        actor=request.user, invoice_request=invoice, reason=reject_form.cleaned_data["reason"]
                    )
                except ApplicationError as exc:
                    forms.apply_errors(reject_form, exc)
                else:
                    return _done(request, _("开票申请已驳回"), "billing:invoices")
        elif issue_form.is_valid():
            data = issue_form.cleaned_data
            try:
                services.invoice_request_issue(
                    actor=request.user,
                    invoice_request=invoice,
                    invoice_number=data["invoice_number"],
                    invoice_date=data["invoice_date"],
                    invoice_file=data["invoice_file"],
                )
            except ApplicationError as exc:
                forms.apply_errors(issue_form, exc)
            else:
                return _done(request, _("发票已登记为已开具"), "billing:invoice", pk)
    return render(
        request,
        "billing/invoice_detail.html",
        {
            "invoice": invoice,
            "issue_form": issue_form,
            "reject_form": reject_form or forms.RejectForm(),
            "can_manage": can_manage_billing(request.user),
            "park_side": True,
        },
    )


def _invoice_file(invoice: InvoiceRequest):
    if invoice.status != InvoiceRequestStatus.ISSUED or not invoice.invoice_file:
        raise Http404
    return FileResponse(
        invoice.invoice_file.open("rb"),
        as_attachment=True,
        filename=f"{invoice.invoice_number}.pdf",
        content_type="application/pdf",
    )


@park_reader
def invoice_file_view(request, pk: int):
    return _invoice_file(get_object_or_404(selectors.invoice_request_list(user=request.user), pk=pk))


# ---------------------------------------------------------------- park: one enterprise


@park_reader
def enterprise_list_view(request):
    q = (request.GET.get("q") or "").strip()
    return render(
        request,
        "billing/enterprise_list.html",
        {"page": _page(request, billing_dashboard.billable_enterprise_list(q), 50), "q": q},
    )


@park_reader
def enterprise_view(request, pk: int):
    enterprise = get_object_or_404(billing_dashboard.billable_enterprise_list(), pk=pk)
    charge_form = forms.ManualChargeForm(
        request.POST or None, initial={"period": f"{current_period():%Y-%m}", "quantity": "1"}
    )
    if request.method == "POST" and charge_form.is_valid():
        data = charge_form.cleaned_data
        try:
            services.manual_charge_add(actor=request.user, enterprise=enterprise, **data)
        except ApplicationError as exc:
            forms.apply_errors(charge_form, exc)
        else:
            return _done(request, _("一次性费用已添加"), "billing:enterprise", pk)
    return render(
        request,
        "billing/enterprise.html",
        {
            "enterprise": enterprise,
            **billing_dashboard.enterprise_summary(enterprise=enterprise),
            "bills": selectors.bill_list(user=request.user, enterprise=enterprise)[:24],
            "payments": selectors.payment_list(user=request.user, enterprise=enterprise)[:24],
            "charges": billing_dashboard.manual_charge_list(enterprise=enterprise)[:24],
            "timeline": selectors.billing_timeline(enterprise=enterprise),
            "charge_form": charge_form,
            "assign_form": forms.PlanAssignForm(enterprise=enterprise),
            "can_manage": can_manage_billing(request.user),
        },
    )


@require_POST
@park_reader
def manual_charge_delete_view(request, pk: int):
    charge = get_object_or_404(ManualCharge, pk=pk)
    try:
        services.manual_charge_delete(actor=request.user, charge=charge)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("一次性费用已删除"))
    return redirect("billing:enterprise", charge.enterprise_id)


# ---------------------------------------------------------------- enterprise domain


def _enterprise_bills(request, enterprise):
    return selectors.bill_list(user=request.user, enterprise=enterprise, status=BillStatus.ISSUED)


@enterprise_reader
def enterprise_home_view(request, enterprise):
    usage = selectors.enterprise_usage(enterprise=enterprise)
    return render(
        request,
        "billing/enterprise_home.html",
        {
            "enterprise": enterprise,
            "usage": usage,
            "plan": usage["plan"],
            "balance": selectors.enterprise_balance(enterprise),
            "bills": _enterprise_bills(request, enterprise)[:24],
            "payments": selectors.payment_list(user=request.user, enterprise=enterprise)[:24],
            "balance_entries": selectors.balance_entries(enterprise=enterprise)[:24],
            "invoice_requests": selectors.invoice_request_list(user=request.user, enterprise=enterprise)[:24],
            "settings": selectors.billing_settings(),
            "can_request": can_request_invoice(request.user, enterprise),
        },
    )


def _enterprise_bill(request, enterprise, pk: int):
    bill = _enterprise_bills(request, enterprise).filter(pk=pk).first()
    if bill is None:
        raise Http404
    return bill


@enterprise_reader
def enterprise_bill_detail_view(request, enterprise, pk: int):
    bill = _enterprise_bill(request, enterprise, pk)
    bill = selectors.bill_get(user=request.user, pk=bill.pk)
    return render(
        request,
        "billing/bill_detail.html",
        {
            "bill": bill,
            "allocations": bill.allocations.select_related("payment").order_by("id"),
            "invoice_requests": bill.invoice_requests.all(),
            "can_manage": False,
            "park_side": False,
            "can_request": can_request_invoice(request.user, enterprise),
            "settings": selectors.billing_settings(),
        },
    )


@enterprise_reader
def enterprise_bill_pdf_view(request, enterprise, pk: int):
    return _pdf_response(_enterprise_bill(request, enterprise, pk))


@enterprise_reader
def invoice_request_view(request, enterprise):
    if not can_request_invoice(request.user, enterprise):
        raise PermissionDenied
    bills = _enterprise_bills(request, enterprise).filter(kind=BillKind.BILL)
    initial = {"bill": request.GET.get("bill")} if request.GET.get("bill") else {}
    form = forms.InvoiceRequestForm(request.POST or None, bills=bills, enterprise=enterprise, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.invoice_request_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            forms.apply_errors(form, exc)
        else:
            return _done(request, _("开票申请已提交，园区财务开具后可在此下载发票"), "billing:home")
    return render(request, "billing/invoice_request_form.html", {"form": form, "enterprise": enterprise})


@enterprise_reader
def enterprise_invoice_file_view(request, enterprise, pk: int):
    invoices = selectors.invoice_request_list(user=request.user, enterprise=enterprise)
    return _invoice_file(get_object_or_404(invoices, pk=pk))
