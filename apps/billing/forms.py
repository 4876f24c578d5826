"""Billing forms. They collect what a person typed and hand it to apps.billing.services, which
holds every rule (a price, a tier band, a VAT rate, a 统一社会信用代码 is judged there, once):
numbers are taken as text here so the service's refusal, naming the field, is the one shown."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.billing.choices import PRICED_KINDS, ChargeKind, InvoiceType
from apps.billing.dashboard import billable_enterprise_list
from apps.billing.models import Bill, BillingSettings, Plan
from apps.billing.periods import parse_period
from apps.core.errors import ApplicationError
from apps.core.forms import DateField
from apps.tenants.models import Enterprise

TIER_ROWS = 4  # tier rows offered per charge kind; an empty row is ignored


def apply_errors(form: forms.Form, exc: ApplicationError, field_map=None) -> None:
    """Show a service refusal on the field it names (``field_map`` translates the service's
    field path, e.g. ``prices.1.tiers.0.to_quantity``, to a form field), else above the form."""
    placed = False
    for name, errors in (exc.errors or {}).items():
        target = field_map(name) if field_map else name
        for error in errors:
            if target in form.fields:
                form.add_error(target, error)
            else:
                form.add_error(None, error)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def _number(label, *, required=False, help_text="", placeholder=""):
    """A number typed as text: the service judges it (and names the field when it refuses)."""
    attrs = {"inputmode": "decimal", "autocomplete": "off"}
    if placeholder:
        attrs.update(placeholder=placeholder, **{"aria-label": placeholder})
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
    )


class MonthField(forms.CharField):
    """A month as ``YYYY-MM`` (an ``<input type=month>``), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-03"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        period = parse_period(value)
        if period is None:
            raise forms.ValidationError(gettext("请填写年月，如 2026-03"))
        return period


def plain(value) -> str:
    """A stored Decimal as a person would type it: 1000000, 2.5 (never 1E+6 or 2.5000)."""
    return "" if value is None else format(value.normalize(), "f")


def _enterprises():
    return billable_enterprise_list()


# ---------------------------------------------------------------- settings, prices, plans


class BillingSettingsForm(forms.Form):
    vat_rate = _number(_("增值税税率（%）"), required=True, help_text=_("0 至 17，信息技术服务一般为 6"))
    payment_terms_days = _number(_("付款期限（天）"), required=True, help_text=_("账单开出后多少天到期"))
    reminder_days_before = _number(_("到期前提醒（天）"), required=True)
    reminder_days_after = _number(_("逾期后提醒（天）"), required=True)
    suspend_after_days = _number(
        _("逾期暂停注册（天）"),
        required=True,
        help_text=_("逾期超过该天数，暂停该企业的标识注册（解析不受影响）"),
    )
    payee_name = forms.CharField(label=_("收款单位"), max_length=200, required=False)
    payee_bank = forms.CharField(label=_("开户银行"), max_length=200, required=False)
    payee_account = forms.CharField(label=_("银行账号"), max_length=64, required=False)
    bill_note = forms.CharField(label=_("账单备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    @classmethod
    def initial_from(cls, settings: BillingSettings) -> dict:
        return {name: getattr(settings, name) for name in cls.base_fields}


class PriceListForm(forms.Form):
    """A price list version: name, effective date and, per charge kind, unit price, monthly free
    allowance and up to TIER_ROWS tiers (from, to — empty on the last —, unit price)."""

    name = forms.CharField(label=_("名称"), max_length=100)
    effective_from = DateField(label=_("生效日期"))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, price_list=None, **kwargs):
        if price_list is not None and not kwargs.get("data"):
            kwargs["initial"] = {**self.initial_from(price_list), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        for kind in PRICED_KINDS:
            label = ChargeKind(kind).label
            self.fields[f"{kind}-unit_price"] = _number(_("%(kind)s 单价") % {"kind": label})
            self.fields[f"{kind}-free_allowance"] = _number(_("%(kind)s 免费额度") % {"kind": label})
            placeholders = {"from": gettext("起始数量"), "to": gettext("截止数量"), "price": gettext("单价")}
            for row in range(TIER_ROWS):
                for part, placeholder in placeholders.items():
                    self.fields[f"{kind}-tier{row}-{part}"] = _number(
                        _("%(kind)s 第 %(n)s 档") % {"kind": label, "n": row + 1}, placeholder=placeholder
                    )

    @staticmethod
    def initial_from(price_list) -> dict:
        initial = {
            "name": price_list.name,
            "effective_from": price_list.effective_from,
            "note": price_list.note,
        }
        for price in price_list.prices.all():
            initial[f"{price.kind}-unit_price"] = plain(price.unit_price)
            initial[f"{price.kind}-free_allowance"] = plain(price.free_allowance)
            for row, tier in enumerate(price.tiers.all()[:TIER_ROWS]):
                initial[f"{price.kind}-tier{row}-from"] = plain(tier.from_quantity)
                initial[f"{price.kind}-tier{row}-to"] = (
                    plain(tier.to_quantity) if tier.to_quantity is not None else ""
                )
                initial[f"{price.kind}-tier{row}-price"] = plain(tier.unit_price)
        return initial

    def kind_rows(self) -> list[dict]:
        """What the template lays out: one row per charge kind with its bound fields."""
        rows = []
        for kind in PRICED_KINDS:
            unit_price = self[f"{kind}-unit_price"]
            allowance = self[f"{kind}-free_allowance"]
            tiers = [
                {part: self[f"{kind}-tier{row}-{part}"] for part in ("from", "to", "price")}
                for row in range(TIER_ROWS)
            ]
            errors = [*unit_price.errors, *allowance.errors]
            for tier in tiers:
                for field in tier.values():
                    errors.extend(field.errors)
            rows.append(
                {
                    "kind": kind,
                    "label": ChargeKind(kind).label,
                    "unit_price": unit_price,
                    "free_allowance": allowance,
                    "tiers": tiers,
                    "errors": errors,
                }
            )
        return rows

    def prices(self) -> list[dict]:
        """The ``prices`` argument of price_list_create/update; a kind left all empty is omitted
        (it then bills nothing)."""
        data = self.cleaned_data
        prices = []
        for kind in PRICED_KINDS:
            tiers = []
            for row in range(TIER_ROWS):
                start, end, price = (data.get(f"{kind}-tier{row}-{part}") for part in ("from", "to", "price"))
                if start or end or price:
                    tiers.append({"from_quantity": start, "to_quantity": end or None, "unit_price": price})
            unit_price = data.get(f"{kind}-unit_price")
            allowance = data.get(f"{kind}-free_allowance")
            if unit_price or allowance or tiers:
                prices.append(
                    {"kind": kind, "unit_price": unit_price, "free_allowance": allowance, "tiers": tiers}
                )
        return prices

    def field_for(self, path: str) -> str:
        """The form field a service refusal names: ``prices.N.unit_price`` → ``<kind>-unit_price``;
        a tier's error goes on the kind's first tier-row field of that part."""
        parts = path.split(".")
        if parts[0] != "prices" or len(parts) < 3:
            return path
        submitted = self.prices()
        try:
            kind = submitted[int(parts[1])]["kind"]
        except (ValueError, IndexError):
            return path
        if parts[2] == "tiers" and len(parts) >= 5:
            # the service numbers tiers after sorting them by their start: find that row
            tiers = submitted[int(parts[1])]["tiers"]
            ordered = sorted(range(len(tiers)), key=lambda i: _sort_key(tiers[i]["from_quantity"]))
            index = int(parts[3])
            filled = [
                row
                for row in range(TIER_ROWS)
                if any(self.cleaned_data.get(f"{kind}-tier{row}-{p}") for p in ("from", "to", "price"))
            ]
            row = filled[ordered[index]] if index < len(ordered) else 0
            part = {"from_quantity": "from", "to_quantity": "to", "unit_price": "price"}.get(parts[4], "from")
            return f"{kind}-tier{row}-{part}"
        return f"{kind}-{parts[2]}"


def _sort_key(value):
    from decimal import Decimal, InvalidOperation

    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)


class PlanForm(forms.Form):
    code = forms.SlugField(label=_("套餐代码"), max_length=32)
    name = forms.CharField(label=_("套餐名称"), max_length=100)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    monthly_fee = _number(_("月费（元）"), required=True)
    registration_allowance = _number(_("每月注册额度（个）"), help_text=_("留空：按资费标准的免费额度"))
    resolution_allowance = _number(_("每月解析额度（次）"))
    storage_allowance = _number(_("存储额度（GB）"))
    terminal_allowance = _number(_("终端额度（台）"))
    is_active = forms.BooleanField(label=_("可选用"), required=False, initial=True)

    @classmethod
    def initial_from(cls, plan: Plan) -> dict:
        initial = {}
        for name in cls.base_fields:
            value = getattr(plan, name)
            initial[name] = plain(value) if hasattr(value, "normalize") else value
        return initial

    def values(self) -> dict:
        values = dict(self.cleaned_data)
        for name in (
            "registration_allowance",
            "resolution_allowance",
            "storage_allowance",
            "terminal_allowance",
        ):
            values[name] = values[name] or None
        return values


class PlanAssignForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=Enterprise.objects.none())
    plan = forms.ModelChoiceField(label=_("套餐"), queryset=Plan.objects.none())
    effective_from = MonthField(label=_("生效月份"), required=False, help_text=_("留空：下一个账期"))

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = _enterprises()
        self.fields["plan"].queryset = Plan.objects.filter(is_active=True)
        if enterprise is not None:
            self.fields["enterprise"].initial = enterprise.pk
            self.fields["enterprise"].widget = forms.HiddenInput()


class ManualChargeForm(forms.Form):
    period = MonthField(label=_("账期"), required=True)
    description = forms.CharField(label=_("项目"), max_length=200, help_text=_("如：标识应用培训、现场勘察"))
    reason = forms.CharField(label=_("原因"), max_length=200)
    quantity = _number(_("数量"), required=True)
    unit_price = _number(_("单价（元）"), required=True)


# ---------------------------------------------------------------- runs, bills, payments


class BillingRunForm(forms.Form):
    period = MonthField(label=_("账期"), required=True, help_text=_("已结束的月份"))


class IssuePeriodForm(forms.Form):
    period = MonthField(label=_("账期"), required=True)


class CreditNoteForm(forms.Form):
    reason = forms.CharField(label=_("红冲原因"), widget=forms.Textarea(attrs={"rows": 2}))
    amount = _number(_("红冲金额（不含税，元）"), help_text=_("留空：全额红冲"))
    description = forms.CharField(label=_("摘要"), max_length=200, required=False)

    def lines(self) -> list[dict] | None:
        amount = self.cleaned_data.get("amount")
        if not amount:
            return None
        return [{"amount": amount, "description": self.cleaned_data.get("description") or ""}]


class PaymentForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=Enterprise.objects.none())
    reference = forms.CharField(label=_("银行流水号"), max_length=64)
    amount = _number(_("金额（元）"), required=True)
    received_on = DateField(label=_("到账日期"))
    payer_name = forms.CharField(label=_("付款户名"), max_length=200, required=False)
    bills = forms.ModelMultipleChoiceField(
        label=_("核销账单"),
        queryset=Bill.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选：按到期日先后核销该企业的未结清账单，多余部分转为预存款"),
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, open_bills=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = _enterprises()
        if open_bills is not None:
            self.fields["bills"].queryset = open_bills
            self.fields["bills"].label_from_instance = lambda bill: (
                gettext("%(number)s · %(enterprise)s · 应收 ¥%(open)s")
                % {"number": bill.number, "enterprise": bill.enterprise.name, "open": bill.open_amount}
            )


class InvoiceIssueForm(forms.Form):
    invoice_number = forms.CharField(label=_("发票号码"), max_length=32)
    invoice_date = DateField(label=_("开票日期"))
    invoice_file = forms.FileField(
        label=_("发票文件"),
        help_text=_("税务系统开具的发票 PDF"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("驳回原因"), max_length=200)


class InvoiceRequestForm(forms.Form):
    """开票申请 on the enterprise domain; the 统一社会信用代码 is checked by the service (stdnum)."""

    bill = forms.ModelChoiceField(label=_("账单"), queryset=Bill.objects.none())
    invoice_type = forms.ChoiceField(label=_("发票类型"), choices=InvoiceType.choices)
    title = forms.CharField(label=_("发票抬头"), max_length=200)
    taxpayer_number = forms.CharField(
        label=_("纳税人识别号"), max_length=18, help_text=_("18 位统一社会信用代码")
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    phone = forms.CharField(label=_("电话"), max_length=30, required=False)
    bank_name = forms.CharField(label=_("开户银行"), max_length=200, required=False)
    bank_account = forms.CharField(
        label=_("银行账号"),
        max_length=64,
        required=False,
        help_text=_("专用发票须填写地址、电话、开户银行和账号"),
    )

    def __init__(self, *args, bills=None, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bills is not None:
            self.fields["bill"].queryset = bills
            self.fields["bill"].label_from_instance = lambda bill: (
                gettext("%(number)s · %(period)s · 价税合计 ¥%(total)s")
                % {"number": bill.number, "period": f"{bill.period:%Y-%m}", "total": bill.total}
            )
        if enterprise is not None and not self.is_bound:
            self.fields["title"].initial = enterprise.name
            self.fields["taxpayer_number"].initial = enterprise.credit_code
            self.fields["address"].initial = getattr(enterprise, "address", "")
