from django.db import models
from django.utils.translation import gettext_lazy as _


class ChargeKind(models.TextChoices):
    """What a bill line charges for. Each kind has one usage source (apps.billing.usage)."""

    PREFIX_ANNUAL = "prefix_annual", _("企业前缀年费")
    REGISTRATION = "registration", _("标识注册")
    RESOLUTION = "resolution", _("标识解析")
    STORAGE = "storage", _("受限数据存储")
    TERMINAL = "terminal", _("终端认证")
    PLAN_FEE = "plan_fee", _("套餐月费")
    MANUAL = "manual", _("一次性费用")


# The unit each kind is counted in and the size of one priced unit (¥x per 1,000 identifiers).
KIND_UNITS = {
    ChargeKind.PREFIX_ANNUAL: (_("个·年"), 1),
    ChargeKind.REGISTRATION: (_("千个标识"), 1000),
    ChargeKind.RESOLUTION: (_("万次解析"), 10000),
    ChargeKind.STORAGE: (_("GB·月"), 1),
    ChargeKind.TERMINAL: (_("台·月"), 1),
    ChargeKind.PLAN_FEE: (_("月"), 1),
    ChargeKind.MANUAL: (_("项"), 1),
}
# Kinds a price list prices (the plan fee comes from the plan, one-off items carry their own price).
PRICED_KINDS = (
    ChargeKind.PREFIX_ANNUAL,
    ChargeKind.REGISTRATION,
    ChargeKind.RESOLUTION,
    ChargeKind.STORAGE,
    ChargeKind.TERMINAL,
)


class BillKind(models.TextChoices):
    BILL = "bill", _("账单")
    CREDIT_NOTE = "credit_note", _("红冲账单")


class BillStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已开出")


class PaymentState(models.TextChoices):
    """Derived from the amounts of an issued bill (selectors annotate it)."""

    UNPAID = "unpaid", _("未付款")
    PARTIAL = "partial", _("部分付款")
    PAID = "paid", _("已结清")
    OVERDUE = "overdue", _("已逾期")


class RunState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class BalanceEntryKind(models.TextChoices):
    OVERPAYMENT = "overpayment", _("多付转预存款")
    APPLIED = "applied", _("预存款抵扣账单")
    CREDIT = "credit", _("红冲退回预存款")


class InvoiceType(models.TextChoices):
    NORMAL = "normal", _("增值税普通发票")
    SPECIAL = "special", _("增值税专用发票")


class InvoiceRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("已申请")
    ISSUED = "issued", _("已开具")
    REJECTED = "rejected", _("已驳回")


class EventKind(models.TextChoices):
    BILL_GENERATED = "bill_generated", _("生成账单")
    BILL_ISSUED = "bill_issued", _("开出账单")
    CREDIT_NOTE = "credit_note", _("红冲")
    PAYMENT = "payment", _("收款")
    BALANCE_APPLIED = "balance_applied", _("预存款抵扣")
    REMINDER = "reminder", _("催缴提醒")
    SUSPENDED = "suspended", _("欠费暂停注册")
    RESUMED = "resumed", _("缴清恢复注册")
    PLAN_CHANGED = "plan_changed", _("变更套餐")
    INVOICE_REQUESTED = "invoice_requested", _("申请开票")
    INVOICE_ISSUED = "invoice_issued", _("发票已开具")
