"""The enterprise's billing timeline: one small function per event type, each writing one
BillingEvent row. Services call these next to audit_write. Messages are stored as msgids with
parameters and shown in the reader's language (BillingEvent.text)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from apps.billing.choices import EventKind
from apps.billing.models import Bill, BillingEvent, InvoiceRequest, Payment


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _write(enterprise_id: int, kind: str, message: str, *, bill: Bill | None = None, actor=None, **params):
    return BillingEvent.objects.create(
        enterprise_id=enterprise_id,
        bill=bill,
        kind=kind,
        message=message,
        params={key: str(value) for key, value in params.items()},
        actor=_user(actor),
    )


def bill_generated(bill: Bill, *, actor=None, regenerated: bool = False) -> BillingEvent:
    message = (
        gettext_noop("重新生成账单草稿 %(number)s，价税合计 ¥%(total)s")
        if regenerated
        else gettext_noop("生成账单草稿 %(number)s，价税合计 ¥%(total)s")
    )
    return _write(
        bill.enterprise_id,
        EventKind.BILL_GENERATED,
        message,
        bill=bill,
        actor=actor,
        number=bill.number,
        total=bill.total,
    )


def bill_issued(bill: Bill, *, actor=None) -> BillingEvent:
    return _write(
        bill.enterprise_id,
        EventKind.BILL_ISSUED,
        gettext_noop("开出账单 %(number)s，价税合计 ¥%(total)s，到期日 %(due)s"),
        bill=bill,
        actor=actor,
        number=bill.number,
        total=bill.total,
        due=bill.due_date,
    )


def credit_note_issued(note: Bill, *, actor=None) -> BillingEvent:
    return _write(
        note.enterprise_id,
        EventKind.CREDIT_NOTE,
        gettext_noop("红冲账单 %(credited)s：%(number)s，金额 ¥%(total)s，原因：%(reason)s"),
        bill=note.credits,
        actor=actor,
        credited=note.credits.number,
        number=note.number,
        total=note.total,
        reason=note.reason,
    )


def payment_recorded(payment: Payment, *, allocated, to_balance, actor=None) -> BillingEvent:
    return _write(
        payment.enterprise_id,
        EventKind.PAYMENT,
        gettext_noop(
            "收到付款 ¥%(amount)s（流水号 %(reference)s），核销账单 ¥%(allocated)s，转入预存款 ¥%(balance)s"
        ),
        actor=actor,
        amount=payment.amount,
        reference=payment.reference,
        allocated=allocated,
        balance=to_balance,
    )


def balance_applied(bill: Bill, amount, *, actor=None) -> BillingEvent:
    return _write(
        bill.enterprise_id,
        EventKind.BALANCE_APPLIED,
        gettext_noop("预存款抵扣账单 %(number)s ¥%(amount)s"),
        bill=bill,
        actor=actor,
        number=bill.number,
        amount=amount,
    )


def reminder_sent(bill: Bill, *, overdue: bool) -> BillingEvent:
    message = (
        gettext_noop("账单 %(number)s 已逾期（到期日 %(due)s），已发送催缴提醒")
        if overdue
        else gettext_noop("账单 %(number)s 将于 %(due)s 到期，已发送付款提醒")
    )
    return _write(
        bill.enterprise_id, EventKind.REMINDER, message, bill=bill, number=bill.number, due=bill.due_date
    )


def registration_suspended(bill: Bill, *, days: int) -> BillingEvent:
    return _write(
        bill.enterprise_id,
        EventKind.SUSPENDED,
        gettext_noop("账单 %(number)s 逾期 %(days)s 天，暂停标识注册（解析不受影响）"),
        bill=bill,
        number=bill.number,
        days=days,
    )


def registration_resumed(enterprise_id: int, *, actor=None) -> BillingEvent:
    return _write(enterprise_id, EventKind.RESUMED, gettext_noop("逾期账单已结清，恢复标识注册"), actor=actor)


def plan_changed(enterprise_id: int, *, plan, effective_from, actor=None) -> BillingEvent:
    return _write(
        enterprise_id,
        EventKind.PLAN_CHANGED,
        gettext_noop("自 %(month)s 起使用套餐“%(plan)s”"),
        actor=actor,
        month=f"{effective_from:%Y-%m}",
        plan=plan.name,
    )


def invoice_requested(request: InvoiceRequest, *, actor=None) -> BillingEvent:
    return _write(
        request.enterprise_id,
        EventKind.INVOICE_REQUESTED,
        gettext_noop("申请开具发票：账单 %(number)s，金额 ¥%(amount)s"),
        bill=request.bill,
        actor=actor,
        number=request.bill.number,
        amount=request.amount,
    )


def invoice_issued(request: InvoiceRequest, *, actor=None) -> BillingEvent:
    return _write(
        request.enterprise_id,
        EventKind.INVOICE_ISSUED,
        gettext_noop("发票已开具：发票号码 %(invoice)s，开票日期 %(date)s"),
        bill=request.bill,
        actor=actor,
        invoice=request.invoice_number,
        date=request.invoice_date,
    )


def invoice_rejected(request: InvoiceRequest, *, actor=None) -> BillingEvent:
    return _write(
        request.enterprise_id,
        EventKind.INVOICE_REQUESTED,
        gettext_noop("开票申请被驳回：%(reason)s"),
        bill=request.bill,
        actor=actor,
        reason=request.reject_reason,
    )
