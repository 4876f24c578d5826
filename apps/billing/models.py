"""Billing (计费与账单), public schema: the park's price lists and plans, each enterprise's monthly
bills with their lines, payments and their allocation, the enterprise's balance (预存款), overdue
suspensions, invoice requests and the billing timeline.

Money is ``Decimal`` with two places (分), rounded half-up once per line (apps.billing.money).
Writes go through apps.billing.services; nothing here has business rules beyond constraints.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.billing.choices import (
    KIND_UNITS,
    BalanceEntryKind,
    BillKind,
    BillStatus,
    ChargeKind,
    EventKind,
    InvoiceRequestStatus,
    InvoiceType,
    RunState,
)
from apps.core.models import TimeStampedModel

MONEY = {"max_digits": 14, "decimal_places": 2}
UNIT_PRICE = {"max_digits": 14, "decimal_places": 4}
QUANTITY = {"max_digits": 20, "decimal_places": 4}
ZERO = Decimal("0")

DEFAULT_VAT_RATE = Decimal("6.00")  # 信息技术服务
MAX_VAT_RATE = Decimal("17.00")


class BillingSettings(TimeStampedModel):
    """The park's billing settings: one row (``BillingSettings.load()``)."""

    vat_rate = models.DecimalField(
        _("增值税税率（%）"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_VAT_RATE,
        validators=[MinValueValidator(ZERO), MaxValueValidator(MAX_VAT_RATE)],
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        _("付款期限（天）"), default=15, help_text=_("账单开出后多少天到期")
    )
    reminder_days_before = models.PositiveSmallIntegerField(_("到期前提醒（天）"), default=3)
    reminder_days_after = models.PositiveSmallIntegerField(_("逾期后提醒（天）"), default=7)
    suspend_after_days = models.PositiveSmallIntegerField(
        _("逾期暂停注册（天）"),
        default=30,
        help_text=_("逾期超过该天数，暂停该企业的标识注册（解析不受影响）"),
    )
    payee_name = models.CharField(_("收款单位"), max_length=200, blank=True)
    payee_bank = models.CharField(_("开户银行"), max_length=200, blank=True)
    payee_account = models.CharField(_("银行账号"), max_length=64, blank=True)
    bill_note = models.TextField(_("账单备注"), blank=True)

    class Meta:
        verbose_name = _("计费设置")
        verbose_name_plural = _("计费设置")

    def __str__(self) -> str:
        return gettext("计费设置")

    @classmethod
    def load(cls) -> BillingSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class PriceList(TimeStampedModel):
    """资费标准: one version, in force from ``effective_from`` until the next version's date.
    Immutable once a bill used it (``locked_at``)."""

    name = models.CharField(_("名称"), max_length=100)
    effective_from = models.DateField(_("生效日期"), unique=True)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True, help_text=_("首次用于账单的时间"))

    class Meta:
        verbose_name = _("资费标准")
        verbose_name_plural = _("资费标准")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%Y-%m-%d})"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Price(models.Model):
    """The price of one charge kind in a price list. Without tiers ``unit_price`` applies to every
    billable unit; with tiers each tier's price applies to the units in its band."""

    price_list = models.ForeignKey(
        PriceList, verbose_name=_("资费标准"), on_delete=models.CASCADE, related_name="prices"
    )
    kind = models.CharField(_("收费项目"), max_length=20, choices=ChargeKind.choices)
    unit_price = models.DecimalField(_("单价（元）"), default=ZERO, **UNIT_PRICE)
    free_allowance = models.DecimalField(
        _("每月免费额度"), default=ZERO, help_text=_("按计量单位计（个、次、GB、台）"), **QUANTITY
    )

    class Meta:
        verbose_name = _("资费")
        verbose_name_plural = _("资费")
        ordering = ["price_list", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["price_list", "kind"], name="billing_price_kind_unique"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="billing_price_unit_price_gte_0"),
            models.CheckConstraint(condition=Q(free_allowance__gte=0), name="billing_price_allowance_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit_price}"

    @property
    def unit_label(self) -> str:
        return str(KIND_UNITS[self.kind][0])

    @property
    def unit_size(self) -> int:
        return KIND_UNITS[self.kind][1]


class PriceTier(models.Model):
    """A band of the month's total quantity [from, to) and its unit price (to empty: no upper bound)."""

    price = models.ForeignKey(Price, verbose_name=_("资费"), on_delete=models.CASCADE, related_name="tiers")
    from_quantity = models.DecimalField(_("起始数量"), **QUANTITY)
    to_quantity = models.DecimalField(_("截止数量"), null=True, blank=True, **QUANTITY)
    unit_price = models.DecimalField(_("单价（元）"), **UNIT_PRICE)

    class Meta:
        verbose_name = _("阶梯价格")
        verbose_name_plural = _("阶梯价格")
        ordering = ["price", "from_quantity"]
        constraints = [
            models.UniqueConstraint(fields=["price", "from_quantity"], name="billing_tier_from_unique"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="billing_tier_unit_price_gte_0"),
            models.CheckConstraint(
                condition=Q(to_quantity__isnull=True) | Q(to_quantity__gt=F("from_quantity")),
                name="billing_tier_band_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_quantity}–{self.to_quantity or '∞'}: {self.unit_price}"


class Plan(TimeStampedModel):
    """套餐: a monthly fee with allowances. An allowance left empty falls back to the price list's."""

    code = models.SlugField(_("套餐代码"), max_length=32, unique=True)
    name = models.CharField(_("套餐名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    monthly_fee = models.DecimalField(_("月费（元）"), default=ZERO, **MONEY)
    registration_allowance = models.DecimalField(_("每月注册额度（个）"), null=True, blank=True, **QUANTITY)
    resolution_allowance = models.DecimalField(_("每月解析额度（次）"), null=True, blank=True, **QUANTITY)
    storage_allowance = models.DecimalField(_("存储额度（GB）"), null=True, blank=True, **QUANTITY)
    terminal_allowance = models.DecimalField(_("终端额度（台）"), null=True, blank=True, **QUANTITY)
    is_active = models.BooleanField(_("可选用"), default=True)

    class Meta:
        verbose_name = _("套餐")
        verbose_name_plural = _("套餐")
        ordering = ["monthly_fee", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_fee__gte=0), name="billing_plan_fee_gte_0"),
        ]

    def __str__(self) -> str:
        return self.name

    def allowance_for(self, kind: str) -> Decimal | None:
        return {
            ChargeKind.REGISTRATION: self.registration_allowance,
            ChargeKind.RESOLUTION: self.resolution_allowance,
            ChargeKind.STORAGE: self.storage_allowance,
            ChargeKind.TERMINAL: self.terminal_allowance,
        }.get(kind)


class PlanAssignment(models.Model):
    """An enterprise's plan from ``effective_from`` (the first day of a period) on, until its next
    assignment: one plan at a time, changed from a period's start, never within one."""

    enterprise = models.ForeignKey(
        "tenants.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="plan_assignments",
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("套餐"), on_delete=models.PROTECT, related_name="assignments"
    )
    effective_from = models.DateField(_("生效月份"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("套餐分配")
        verbose_name_plural = _("套餐分配")
        ordering = ["enterprise", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "effective_from"], name="billing_plan_assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.plan} ({self.effective_from:%Y-%m})"


class BillingRun(models.Model):
    """One monthly billing run (beat on the 1st, or by hand for a chosen month)."""

    period = models.DateField(_("账期"), db_index=True, help_text=_("账期所在月的第一天"))
    state = models.CharField(_("状态"), max_length=16, choices=RunState.choices, default=RunState.QUEUED)
    task_run = models.ForeignKey(
        "tasks.TaskRun",
        verbose_name=_("任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    usage_as_of = models.DateTimeField(_("用量截至"), null=True, blank=True)
    bills_created = models.PositiveIntegerField(_("新建账单"), default=0)
    bills_regenerated = models.PositiveIntegerField(_("重新生成"), default=0)
    bills_kept = models.PositiveIntegerField(_("已开出未变"), default=0)
    message = models.TextField(_("消息"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("计费批次")
        verbose_name_plural = _("计费批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} #{self.pk}"


class Bill(TimeStampedModel):
    """An enterprise's bill for one period, or a credit note (红冲) against an issued bill.

    One bill per enterprise per period (database constraint). A draft is regenerated freely;
    an issued bill never changes again except its collected amounts (``credited_amount``,
    ``paid_amount``, ``settled_at``), which services update under a row lock."""

    number = models.CharField(_("账单编号"), max_length=40, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=BillKind.choices, default=BillKind.BILL)
    enterprise = models.ForeignKey(
        "tenants.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="bills"
    )
    period = models.DateField(_("账期"), help_text=_("账期所在月的第一天"))
    status = models.CharField(
        _("状态"), max_length=16, choices=BillStatus.choices, default=BillStatus.DRAFT, db_index=True
    )
    credits = models.ForeignKey(
        "self",
        verbose_name=_("红冲的账单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
    )
    reason = models.TextField(_("红冲原因"), blank=True)
    price_list = models.ForeignKey(
        PriceList,
        verbose_name=_("资费标准"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bills",
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("套餐"), null=True, blank=True, on_delete=models.PROTECT, related_name="bills"
    )
    run = models.ForeignKey(
        BillingRun,
        verbose_name=_("计费批次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bills",
    )
    subtotal = models.DecimalField(_("不含税金额"), default=ZERO, **MONEY)
    vat_rate = models.DecimalField(_("税率（%）"), max_digits=5, decimal_places=2, default=DEFAULT_VAT_RATE)
    vat_amount = models.DecimalField(_("税额"), default=ZERO, **MONEY)
    total = models.DecimalField(_("价税合计"), default=ZERO, **MONEY)
    total_in_words = models.CharField(_("价税合计（大写）"), max_length=100, blank=True)
    credited_amount = models.DecimalField(_("已红冲金额"), default=ZERO, **MONEY)
    paid_amount = models.DecimalField(_("已收金额"), default=ZERO, help_text=_("含预存款抵扣"), **MONEY)
    usage = models.JSONField(_("用量"), default=dict, blank=True)
    usage_as_of = models.DateTimeField(_("用量截至"), null=True, blank=True)
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    issued_at = models.DateTimeField(_("开出时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("开出人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_date = models.DateField(_("到期日"), null=True, blank=True, db_index=True)
    settled_at = models.DateTimeField(_("结清时间"), null=True, blank=True)
    reminded_before_at = models.DateTimeField(_("到期前提醒时间"), null=True, blank=True)
    reminded_after_at = models.DateTimeField(_("逾期提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("账单")
        verbose_name_plural = _("账单")
        ordering = ["-period", "enterprise_id", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period"],
                condition=Q(kind=BillKind.BILL),
                name="billing_bill_one_per_enterprise_period",
            ),
            models.CheckConstraint(
                condition=Q(kind=BillKind.BILL, credits__isnull=True)
                | Q(kind=BillKind.CREDIT_NOTE, credits__isnull=False),
                name="billing_bill_credit_note_references_bill",
            ),
            models.CheckConstraint(condition=Q(paid_amount__gte=0), name="billing_bill_paid_gte_0"),
            models.CheckConstraint(condition=Q(credited_amount__gte=0), name="billing_bill_credited_gte_0"),
        ]
        indexes = [models.Index(fields=["enterprise", "status", "period"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_issued(self) -> bool:
        return self.status == BillStatus.ISSUED

    @property
    def is_credit_note(self) -> bool:
        return self.kind == BillKind.CREDIT_NOTE

    @property
    def open_amount(self) -> Decimal:
        """应收: what the enterprise still owes on this bill (never negative)."""
        if self.kind != BillKind.BILL:
            return ZERO
        return max(ZERO, self.total - self.credited_amount - self.paid_amount)


class BillLine(models.Model):
    """One line: for a tiered kind one line per tier band with billable units."""

    bill = models.ForeignKey(Bill, verbose_name=_("账单"), on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    kind = models.CharField(_("收费项目"), max_length=20, choices=ChargeKind.choices)
    description = models.CharField(_("摘要"), max_length=200, blank=True)
    quantity = models.DecimalField(_("用量"), default=ZERO, **QUANTITY)
    free_allowance = models.DecimalField(_("免费额度"), default=ZERO, **QUANTITY)
    billable_quantity = models.DecimalField(_("计费数量"), default=ZERO, **QUANTITY)
    unit = models.CharField(_("计价单位"), max_length=20, blank=True)
    unit_size = models.PositiveIntegerField(_("单位数量"), default=1)
    unit_price = models.DecimalField(_("单价（元）"), default=ZERO, **UNIT_PRICE)
    amount = models.DecimalField(_("金额（元）"), default=ZERO, **MONEY)
    tier_from = models.DecimalField(_("阶梯起"), null=True, blank=True, **QUANTITY)
    tier_to = models.DecimalField(_("阶梯止"), null=True, blank=True, **QUANTITY)
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("账单明细")
        verbose_name_plural = _("账单明细")
        ordering = ["bill", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class ManualCharge(TimeStampedModel):
    """一次性费用 a park adds by hand (training, on-site survey) for a period, with its reason;
    it becomes a line of that period's bill when the bill is generated."""

    enterprise = models.ForeignKey(
        "tenants.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="manual_charges"
    )
    period = models.DateField(_("账期"))
    description = models.CharField(_("项目"), max_length=200)
    reason = models.CharField(_("原因"), max_length=200)
    quantity = models.DecimalField(_("数量"), default=Decimal("1"), **QUANTITY)
    unit_price = models.DecimalField(_("单价（元）"), **UNIT_PRICE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("一次性费用")
        verbose_name_plural = _("一次性费用")
        ordering = ["-period", "enterprise_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="billing_manual_price_gte_0"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="billing_manual_quantity_gt_0"),
        ]
        indexes = [models.Index(fields=["period", "enterprise"])]

    def __str__(self) -> str:
        return self.description


class Payment(TimeStampedModel):
    """A bank transfer received (流水号 unique). What is not allocated to bills is balance."""

    enterprise = models.ForeignKey(
        "tenants.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="payments"
    )
    reference = models.CharField(_("银行流水号"), max_length=64, unique=True)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    received_on = models.DateField(_("到账日期"))
    payer_name = models.CharField(_("付款户名"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("收款")
        verbose_name_plural = _("收款")
        ordering = ["-received_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="billing_payment_amount_gt_0")]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(
        Payment, verbose_name=_("收款"), on_delete=models.CASCADE, related_name="allocations"
    )
    bill = models.ForeignKey(
        Bill, verbose_name=_("账单"), on_delete=models.PROTECT, related_name="allocations"
    )
    amount = models.DecimalField(_("核销金额"), **MONEY)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("收款核销")
        verbose_name_plural = _("收款核销")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["payment", "bill"], name="billing_allocation_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="billing_allocation_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.payment} → {self.bill}: {self.amount}"


class BalanceEntry(models.Model):
    """预存款 ledger: an enterprise's balance is the sum of its entries (never negative)."""

    enterprise = models.ForeignKey(
        "tenants.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="balance_entries"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=BalanceEntryKind.choices)
    amount = models.DecimalField(_("金额（元）"), help_text=_("存入为正，抵扣为负"), **MONEY)
    payment = models.ForeignKey(
        Payment, verbose_name=_("收款"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bill = models.ForeignKey(
        Bill,
        verbose_name=_("账单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="balance_entries",
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("预存款记录")
        verbose_name_plural = _("预存款记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class BillingSuspension(models.Model):
    """Registration suspended for an overdue bill: the prefixes this suspended (only those are
    resumed when it is lifted; a prefix suspended for another reason stays suspended)."""

    enterprise = models.ForeignKey(
        "tenants.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="billing_suspensions",
    )
    bill = models.ForeignKey(Bill, verbose_name=_("逾期账单"), on_delete=models.PROTECT, related_name="+")
    prefix_ids = models.JSONField(_("暂停的前缀"), default=list, blank=True)
    started_at = models.DateTimeField(_("暂停时间"))
    lifted_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("欠费暂停")
        verbose_name_plural = _("欠费暂停")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"], condition=Q(lifted_at__isnull=True), name="billing_one_open_suspension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.started_at:%Y-%m-%d}"


def invoice_file_path(instance: InvoiceRequest, filename: str) -> str:
    return f"billing/invoices/{instance.enterprise_id}/{instance.pk or 'new'}/{filename}"


class InvoiceRequest(TimeStampedModel):
    """开票申请 for one bill. The park issues the fapiao in its tax system and records it here."""

    enterprise = models.ForeignKey(
        "tenants.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="invoice_requests",
    )
    bill = models.ForeignKey(
        Bill, verbose_name=_("账单"), on_delete=models.PROTECT, related_name="invoice_requests"
    )
    invoice_type = models.CharField(_("发票类型"), max_length=16, choices=InvoiceType.choices)
    title = models.CharField(_("发票抬头"), max_length=200)
    taxpayer_number = models.CharField(_("纳税人识别号"), max_length=18)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=200, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=64, blank=True)
    amount = models.DecimalField(_("开票金额"), **MONEY)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=InvoiceRequestStatus.choices,
        default=InvoiceRequestStatus.REQUESTED,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invoice_number = models.CharField(_("发票号码"), max_length=32, blank=True)
    invoice_date = models.DateField(_("开票日期"), null=True, blank=True)
    invoice_file = models.FileField(_("发票文件"), upload_to=invoice_file_path, max_length=300, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    reject_reason = models.CharField(_("驳回原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("开票申请")
        verbose_name_plural = _("开票申请")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_invoice_type_display()} {self.title} {self.amount}"


class BillingEvent(models.Model):
    """The enterprise's billing timeline (the field-level diff is in the audit log). ``message``
    is a msgid with ``params``, shown in the reader's language (``text``)."""

    enterprise = models.ForeignKey(
        "tenants.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="billing_events"
    )
    bill = models.ForeignKey(
        Bill, verbose_name=_("账单"), null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("类型"), max_length=24, choices=EventKind.choices, db_index=True)
    message = models.CharField(_("内容"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("计费事件")
        verbose_name_plural = _("计费事件")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "-created_at"])]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        try:
            return gettext(self.message) % self.params
        except (KeyError, TypeError, ValueError):
            return self.message
