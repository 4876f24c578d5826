"""Demo data of billing: a finance user on each side, the park's payee account, a price list,
two plans, and two issued bills (苏州智联精密's last month, paid; 江苏华芯电子's the month before,
overdue, part of it credited), and an invoice request for the paid one.

Everything goes through apps.billing.services, as park finance staff would do it, except the
history a demo cannot wait for: the overdue bill is dated back to when it was issued (its issue
and due dates), and the plans are in force from the price list's date (plan_assign only changes
a plan from the next period on). Idempotent: each step looks for what it made before."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from apps.accounts.choices import EnterpriseRole, ParkRole
from apps.accounts.models import Membership, User
from apps.billing import services
from apps.billing.choices import BillKind, BillStatus, InvoiceType
from apps.billing.models import (
    Bill,
    BillingSettings,
    InvoiceRequest,
    ManualCharge,
    Payment,
    Plan,
    PlanAssignment,
    PriceList,
)
from apps.billing.periods import current_period, next_month, previous_month, today
from apps.tenants import demo_data
from apps.tenants.models import Enterprise

PRICE_LIST_NAME = "园区标识服务资费标准（演示）"
PAID_CODE, OVERDUE_CODE = "ZLJM", "HXDZ"
TRAINING = "标识应用培训（演示）"
PAYMENT_REFERENCE = "DEMO-BOC-000001"
PARK_FINANCE = ("park_finance", "园区财务 王芳")
ENTERPRISE_FINANCE = ("zljm_finance", "智联精密 财务 李静", PAID_CODE)

PRICES = [
    {"kind": "prefix_annual", "unit_price": "1000", "free_allowance": "0", "tiers": []},
    {
        "kind": "registration",
        "unit_price": "0",
        "free_allowance": "10000",
        "tiers": [
            {"from_quantity": "0", "to_quantity": "1000000", "unit_price": "5"},
            {"from_quantity": "1000000", "to_quantity": None, "unit_price": "2"},
        ],
    },
    {"kind": "resolution", "unit_price": "3", "free_allowance": "100000", "tiers": []},
    {"kind": "storage", "unit_price": "20", "free_allowance": "1", "tiers": []},
    {"kind": "terminal", "unit_price": "2", "free_allowance": "0", "tiers": []},
]
PLANS = [
    ("basic", "基础套餐", "199", {"registration_allowance": "20000", "resolution_allowance": "500000"}),
    ("pro", "专业套餐", "999", {"registration_allowance": "200000", "resolution_allowance": "5000000"}),
]


def _months_back(period: dt.date, count: int) -> dt.date:
    for _i in range(count):
        period = previous_month(period)
    return period


def info(base: str) -> list[str]:
    """demo_info's lines: the finance logins and where each one's billing pages are (the park's
    on ``base``, the enterprise's on its own domain with the same port)."""
    from urllib.parse import urlsplit

    users = {
        user.username: user
        for user in User.objects.filter(username__in=[PARK_FINANCE[0], ENTERPRISE_FINANCE[0]])
    }
    if not users:
        return []
    parts = urlsplit(base)
    port = f":{parts.port}" if parts.port else ""
    lines = ["", f"Billing (计费与账单) logins (password: {demo_data.DEMO_PASSWORD})"]
    park_finance = users.get(PARK_FINANCE[0])
    if park_finance is not None:
        role = park_finance.get_park_role_display()
        lines.append(f"  {park_finance.username:<16} {role:<8} {base}/billing/")
    membership = (
        Membership.objects.filter(user__username=ENTERPRISE_FINANCE[0])
        .select_related("user", "enterprise")
        .first()
    )
    if membership is not None:
        domain = (
            membership.enterprise.domains.filter(is_primary=True).values_list("domain", flat=True).first()
        )
        where = f"{parts.scheme}://{domain}{port}" if domain else base
        lines.append(f"  {membership.user.username:<16} {membership.get_role_display():<8} {where}/billing/")
    return lines


def load(stdout) -> None:
    enterprises = {e.code.upper(): e for e in Enterprise.objects.filter(code__in=[PAID_CODE, OVERDUE_CODE])}
    if len(enterprises) < 2:
        stdout.write("billing: demo enterprises missing, nothing loaded\n")
        return
    done = []
    with transaction.atomic():
        finance, new = demo_data.ensure_user(*PARK_FINANCE, park_role=ParkRole.PARK_FINANCE, is_staff=True)
        if new:
            done.append("park finance user")
        username, display_name, code = ENTERPRISE_FINANCE
        member, new = demo_data.ensure_user(username, display_name)
        _m, new_membership = Membership.objects.get_or_create(
            user=member, enterprise=enterprises[code], defaults={"role": EnterpriseRole.ENTERPRISE_FINANCE}
        )
        if new or new_membership:
            done.append("enterprise finance user")
        if not BillingSettings.load().payee_account:
            operator = Enterprise.objects.filter(is_park_operator=True).first()
            services.billing_settings_update(
                actor=finance,
                payee_name=operator.name if operator else "园区运营管理有限公司",
                payee_bank="中国银行苏州工业园区支行",
                payee_account="5302 6688 1234 5678",
                bill_note="如有疑问请联系园区财务：0512-6288 0000",
            )
            done.append("billing settings")

        paid_period = previous_month(current_period())
        overdue_period = previous_month(paid_period)
        price_list = PriceList.objects.filter(name=PRICE_LIST_NAME).first()
        if price_list is None:
            price_list = services.price_list_create(
                actor=finance,
                name=PRICE_LIST_NAME,
                effective_from=_months_back(current_period(), 6),
                prices=PRICES,
                note="演示数据",
            )
            done.append("price list")
        plans = {}
        for plan_code, name, fee, allowances in PLANS:
            plan = Plan.objects.filter(code=plan_code).first()
            if plan is None:
                plan = services.plan_create(
                    actor=finance, code=plan_code, name=name, monthly_fee=fee, **allowances
                )
                done.append(f"plan {plan_code}")
            plans[plan_code] = plan
        for code, plan_code in ((PAID_CODE, "basic"), (OVERDUE_CODE, "pro")):
            enterprise = enterprises[code]
            if not PlanAssignment.objects.filter(enterprise=enterprise).exists():
                # history: on this plan since the price list's date (the service only changes a
                # plan from the next period on)
                PlanAssignment.objects.create(
                    enterprise=enterprise,
                    plan=plans[plan_code],
                    effective_from=price_list.effective_from,
                    assigned_by=finance,
                )
                done.append(f"plan of {code}")

    bills = {}
    for code, period, amount in ((PAID_CODE, paid_period, "1200"), (OVERDUE_CODE, overdue_period, "800")):
        enterprise = enterprises[code]
        charge = ManualCharge.objects.filter(enterprise=enterprise, description=TRAINING).first()
        if charge is None:
            charge = services.manual_charge_add(
                actor=finance,
                enterprise=enterprise,
                period=period,
                description=TRAINING,
                reason="园区组织的标识应用培训，两天",
                unit_price=amount,
            )
            done.append(f"one-off charge of {code}")
        bill, _outcome = services.bill_generate(enterprise=enterprise, period=charge.period, actor=finance)
        if bill.status == BillStatus.DRAFT:
            bill = services.bill_issue(actor=finance, bill=bill)
            done.append(f"bill {bill.number}")
            if code == OVERDUE_CODE:
                # history: issued on the 2nd of the month after its period, so it is overdue now
                issued_on = next_month(charge.period) + dt.timedelta(days=1)
                terms = BillingSettings.load().payment_terms_days
                Bill.objects.filter(pk=bill.pk).update(
                    due_date=issued_on + dt.timedelta(days=terms),
                    issued_at=bill.issued_at.replace(
                        year=issued_on.year, month=issued_on.month, day=issued_on.day
                    ),
                )
        bills[code] = bill

    paid = Bill.objects.get(pk=bills[PAID_CODE].pk)
    if not Payment.objects.filter(reference=PAYMENT_REFERENCE).exists() and paid.open_amount > 0:
        services.payment_record(
            actor=finance,
            enterprise=enterprises[PAID_CODE],
            reference=PAYMENT_REFERENCE,
            amount=paid.open_amount,
            received_on=today(),
            bills=[paid],
            payer_name=enterprises[PAID_CODE].name,
        )
        done.append("payment")
    overdue = bills[OVERDUE_CODE]
    if not Bill.objects.filter(credits=overdue, kind=BillKind.CREDIT_NOTE).exists():
        services.credit_note_create(
            actor=finance,
            bill=overdue,
            reason="培训实际一天，按一天计费",
            lines=[{"kind": "manual", "description": TRAINING, "amount": "400"}],
        )
        done.append("credit note")
    if not InvoiceRequest.objects.filter(bill=paid).exists():
        services.invoice_request_create(
            actor=member,
            bill=paid,
            invoice_type=InvoiceType.NORMAL,
            title=enterprises[PAID_CODE].name,
            taxpayer_number=enterprises[PAID_CODE].credit_code,
            address=enterprises[PAID_CODE].address,
        )
        done.append("invoice request")
    if done:
        stdout.write(f"billing: added {', '.join(done)}\n")
    else:
        stdout.write("billing: already loaded, nothing changed\n")
