"""Writes for billing. Keyword-only, audited (apps.audit), timeline events (apps.billing.events).
A refusal is an ApplicationError naming the field; nothing is written then.

Concurrency: one bill per enterprise per period is a partial unique constraint; the bill row is
inserted with ON CONFLICT DO NOTHING and then locked (SELECT ... FOR UPDATE), so a rerun or two
runs at once regenerate the same draft and never create a second bill. Payments, credit notes
and balance changes of one enterprise are serialised by a transaction-scoped advisory lock.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.audit.services import audit_write
from apps.billing import events
from apps.billing.choices import (
    KIND_UNITS,
    PRICED_KINDS,
    BalanceEntryKind,
    BillKind,
    BillStatus,
    ChargeKind,
    InvoiceRequestStatus,
    InvoiceType,
    RunState,
)
from apps.billing.models import (
    MAX_VAT_RATE,
    BalanceEntry,
    Bill,
    BillingRun,
    BillingSettings,
    BillingSuspension,
    BillLine,
    InvoiceRequest,
    ManualCharge,
    Payment,
    PaymentAllocation,
    Plan,
    PlanAssignment,
    Price,
    PriceList,
    PriceTier,
)
from apps.billing.money import ZERO, amount_in_words, line_amount, round_money, vat_of
from apps.billing.periods import current_period, month_start, next_month, period_bounds, today
from apps.billing.permissions import can_manage_billing, can_request_invoice
from apps.billing.usage import Usage, billable_enterprises, usage_for_period
from apps.core.errors import ApplicationError, PermissionDenied

log = logging.getLogger(__name__)

_LOCK_CLASS = 0x42494C4C  # "BILL": advisory locks per enterprise
MAX_LINE_AMOUNT = Decimal("9999999999.99")  # keeps a bill's sums inside its 14-digit columns


def _actor_kwargs(actor) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {}
    return {"actor": actor.get_username(), "actor_user_id": actor.pk}


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _audit(action: str, obj, actor, *, before=None, after=None, repr_: str | None = None) -> None:
    audit_write(
        action=action,
        object_type=f"billing.{obj.__class__.__name__}",
        object_id=obj.pk,
        object_repr=repr_ or str(obj),
        before=before,
        after=after,
        tenant_schema="public",
        **_actor_kwargs(actor),
    )


def _refuse(field_name: str, message: str, code: str = "invalid"):
    raise ApplicationError(message, errors={field_name: [message]}, code=code)


def _require_manager(actor) -> None:
    if not can_manage_billing(actor):
        raise PermissionDenied(_("只有园区管理员或财务人员可以管理计费"))


def _lock_enterprise(enterprise_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, int(enterprise_id)])


def _decimal(value, field_name: str, *, label: str, minimum: Decimal | None = ZERO, allow_none=False):
    if value is None or value == "":
        if allow_none:
            return None
        _refuse(field_name, _("%(label)s：请填写") % {"label": label}, "required")
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        _refuse(field_name, _("%(label)s：应为数字") % {"label": label})
    if not number.is_finite():
        _refuse(field_name, _("%(label)s：应为数字") % {"label": label})
    if minimum is not None and number < minimum:
        _refuse(field_name, _("%(label)s：不能为负数") % {"label": label}, "negative")
    return number


# ---------------------------------------------------------------- settings

SETTINGS_FIELDS = (
    "vat_rate",
    "payment_terms_days",
    "reminder_days_before",
    "reminder_days_after",
    "suspend_after_days",
    "payee_name",
    "payee_bank",
    "payee_account",
    "bill_note",
)


@transaction.atomic
def billing_settings_update(*, actor, **fields: Any) -> BillingSettings:
    """Change the park's billing settings. VAT rate 0–17%; day counts whole non-negative numbers."""
    _require_manager(actor)
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    obj = BillingSettings.load()
    obj = BillingSettings.objects.select_for_update().get(pk=obj.pk)
    before = {name: str(getattr(obj, name)) for name in fields}
    if "vat_rate" in fields:
        rate = _decimal(fields["vat_rate"], "vat_rate", label=_("增值税税率"))
        if rate > MAX_VAT_RATE:
            _refuse(
                "vat_rate",
                _("增值税税率：应在 0%% 至 %(max)s%% 之间") % {"max": MAX_VAT_RATE.normalize()},
                "out_of_range",
            )
        fields["vat_rate"] = rate
    for name in ("payment_terms_days", "reminder_days_before", "reminder_days_after", "suspend_after_days"):
        if name in fields:
            label = str(BillingSettings._meta.get_field(name).verbose_name)
            number = _decimal(fields[name], name, label=label)
            if number != number.to_integral_value() or number > 3650:
                _refuse(name, _("%(label)s：应为 0 至 3650 的整数") % {"label": label})
            fields[name] = int(number)
    for name, value in fields.items():
        setattr(obj, name, value.strip() if isinstance(value, str) else value)
    obj.full_clean()
    obj.save()
    _audit(
        "billing.settings_update", obj, actor, before=before, after={n: str(getattr(obj, n)) for n in fields}
    )
    return obj


# ---------------------------------------------------------------- price lists


@dataclass
class TierSpec:
    from_quantity: Decimal
    to_quantity: Decimal | None
    unit_price: Decimal


@dataclass
class PriceSpec:
    kind: str
    unit_price: Decimal
    free_allowance: Decimal
    tiers: list[TierSpec] = field(default_factory=list)


def _kind_label(kind: str) -> str:
    return str(ChargeKind(kind).label)


def validate_prices(prices: list[dict]) -> list[PriceSpec]:
    """Check every price and tier before anything is written: known kind once each, no negative
    price or allowance, tiers starting at 0, contiguous (no gap, no overlap) and open-ended."""
    specs: list[PriceSpec] = []
    seen: set[str] = set()
    for number, raw in enumerate(prices or []):
        kind = str(raw.get("kind") or "")
        base = f"prices.{number}"
        if kind not in PRICED_KINDS:
            _refuse(f"{base}.kind", _("第 %(n)s 项：收费项目无效") % {"n": number + 1})
        if kind in seen:
            _refuse(f"{base}.kind", _("%(kind)s：重复设置") % {"kind": _kind_label(kind)}, "duplicate")
        seen.add(kind)
        label = _kind_label(kind)
        spec = PriceSpec(
            kind=kind,
            unit_price=_decimal(
                raw.get("unit_price") or 0, f"{base}.unit_price", label=_("%(kind)s 单价") % {"kind": label}
            ),
            free_allowance=_decimal(
                raw.get("free_allowance") or 0,
                f"{base}.free_allowance",
                label=_("%(kind)s 免费额度") % {"kind": label},
            ),
        )
        tiers = list(raw.get("tiers") or [])
        for index, tier in enumerate(tiers):
            where = f"{base}.tiers.{index}"
            tier_label = _("%(kind)s 第 %(n)s 档") % {"kind": label, "n": index + 1}
            spec.tiers.append(
                TierSpec(
                    from_quantity=_decimal(
                        tier.get("from_quantity"),
                        f"{where}.from_quantity",
                        label=_("%(tier)s 起始数量") % {"tier": tier_label},
                    ),
                    to_quantity=_decimal(
                        tier.get("to_quantity"),
                        f"{where}.to_quantity",
                        label=_("%(tier)s 截止数量") % {"tier": tier_label},
                        allow_none=True,
                    ),
                    unit_price=_decimal(
                        tier.get("unit_price"),
                        f"{where}.unit_price",
                        label=_("%(tier)s 单价") % {"tier": tier_label},
                    ),
                )
            )
        spec.tiers.sort(key=lambda t: t.from_quantity)
        for index, tier in enumerate(spec.tiers):
            where = f"{base}.tiers.{index}"
            tier_label = _("%(kind)s 第 %(n)s 档") % {"kind": label, "n": index + 1}
            if index == 0 and tier.from_quantity != 0:
                _refuse(
                    f"{where}.from_quantity",
                    _("%(tier)s：第一档应从 0 开始") % {"tier": tier_label},
                    "tier_gap",
                )
            if tier.to_quantity is not None and tier.to_quantity <= tier.from_quantity:
                _refuse(
                    f"{where}.to_quantity",
                    _("%(tier)s：截止数量应大于起始数量") % {"tier": tier_label},
                    "tier_empty",
                )
            if index + 1 < len(spec.tiers):
                following = spec.tiers[index + 1]
                if tier.to_quantity is None or following.from_quantity < tier.to_quantity:
                    _refuse(
                        f"{base}.tiers.{index + 1}.from_quantity",
                        _("%(kind)s：第 %(a)s 档与第 %(b)s 档重叠")
                        % {"kind": label, "a": index + 1, "b": index + 2},
                        "tier_overlap",
                    )
                if following.from_quantity > tier.to_quantity:
                    _refuse(
                        f"{base}.tiers.{index + 1}.from_quantity",
                        _("%(kind)s：第 %(a)s 档与第 %(b)s 档之间有空缺（%(from)s 至 %(to)s）")
                        % {
                            "kind": label,
                            "a": index + 1,
                            "b": index + 2,
                            "from": tier.to_quantity,
                            "to": following.from_quantity,
                        },
                        "tier_gap",
                    )
            elif tier.to_quantity is not None:
                _refuse(
                    f"{where}.to_quantity",
                    _("%(tier)s：最后一档不设截止数量") % {"tier": tier_label},
                    "tier_gap",
                )
        specs.append(spec)
    return specs


def _write_prices(price_list: PriceList, specs: list[PriceSpec]) -> None:
    price_list.prices.all().delete()
    for spec in specs:
        price = Price.objects.create(
            price_list=price_list,
            kind=spec.kind,
            unit_price=spec.unit_price,
            free_allowance=spec.free_allowance,
        )
        PriceTier.objects.bulk_create(
            PriceTier(
                price=price, from_quantity=t.from_quantity, to_quantity=t.to_quantity, unit_price=t.unit_price
            )
            for t in spec.tiers
        )


def _prices_snapshot(specs: list[PriceSpec]) -> dict:
    return {
        s.kind: {
            "unit_price": str(s.unit_price),
            "free_allowance": str(s.free_allowance),
            "tiers": [
                [
                    str(t.from_quantity),
                    str(t.to_quantity) if t.to_quantity is not None else None,
                    str(t.unit_price),
                ]
                for t in s.tiers
            ],
        }
        for s in specs
    }


def _check_name_and_date(name: str, effective_from, exclude_pk: int | None = None) -> tuple[str, dt.date]:
    name = (name or "").strip()
    if not name:
        _refuse("name", _("名称：请填写"), "required")
    if not isinstance(effective_from, dt.date):
        _refuse("effective_from", _("生效日期：请填写日期"), "required")
    clash = PriceList.objects.filter(effective_from=effective_from).exclude(pk=exclude_pk)
    if clash.exists():
        _refuse(
            "effective_from", _("生效日期：%(date)s 已有资费标准") % {"date": effective_from}, "duplicate"
        )
    return name, effective_from


@transaction.atomic
def price_list_create(
    *, actor, name: str, effective_from: dt.date, prices: list[dict], note: str = ""
) -> PriceList:
    """A new price list version. ``prices``: ``[{"kind", "unit_price", "free_allowance",
    "tiers": [{"from_quantity", "to_quantity" (None: no upper bound), "unit_price"}]}]``."""
    _require_manager(actor)
    name, effective_from = _check_name_and_date(name, effective_from)
    specs = validate_prices(prices)
    price_list = PriceList.objects.create(
        name=name, effective_from=effective_from, note=(note or "").strip(), created_by=_user(actor)
    )
    _write_prices(price_list, specs)
    _audit(
        "billing.price_list_create",
        price_list,
        actor,
        after={"name": name, "effective_from": str(effective_from), "prices": _prices_snapshot(specs)},
    )
    return price_list


def _locked_price_list(price_list: PriceList) -> PriceList:
    price_list = PriceList.objects.select_for_update().get(pk=price_list.pk)
    if price_list.locked_at is not None or price_list.bills.exists():
        raise ApplicationError(
            _("资费标准“%(name)s”已用于账单，不能修改或删除；请新建一个版本") % {"name": price_list.name},
            code="price_list_locked",
        )
    return price_list


@transaction.atomic
def price_list_update(
    *,
    actor,
    price_list: PriceList,
    name: str | None = None,
    effective_from: dt.date | None = None,
    prices: list[dict] | None = None,
    note: str | None = None,
) -> PriceList:
    _require_manager(actor)
    price_list = _locked_price_list(price_list)
    before = {
        "name": price_list.name,
        "effective_from": str(price_list.effective_from),
        "note": price_list.note,
    }
    new_name, new_date = _check_name_and_date(
        price_list.name if name is None else name,
        price_list.effective_from if effective_from is None else effective_from,
        exclude_pk=price_list.pk,
    )
    specs = validate_prices(prices) if prices is not None else None
    price_list.name, price_list.effective_from = new_name, new_date
    if note is not None:
        price_list.note = note.strip()
    price_list.save()
    after = {
        "name": price_list.name,
        "effective_from": str(price_list.effective_from),
        "note": price_list.note,
    }
    if specs is not None:
        _write_prices(price_list, specs)
        after["prices"] = _prices_snapshot(specs)
    _audit("billing.price_list_update", price_list, actor, before=before, after=after)
    return price_list


@transaction.atomic
def price_list_delete(*, actor, price_list: PriceList) -> None:
    _require_manager(actor)
    price_list = _locked_price_list(price_list)
    _audit("billing.price_list_delete", price_list, actor, before={"name": price_list.name})
    price_list.delete()


# ---------------------------------------------------------------- plans

PLAN_ALLOWANCES = (
    "registration_allowance",
    "resolution_allowance",
    "storage_allowance",
    "terminal_allowance",
)


def _plan_values(fields: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "monthly_fee":
            values[name] = _decimal(value, name, label=_("月费"))
        elif name in PLAN_ALLOWANCES:
            label = str(Plan._meta.get_field(name).verbose_name)
            values[name] = _decimal(value, name, label=label, allow_none=True)
        elif name in ("code", "name", "description"):
            values[name] = (value or "").strip()
        elif name == "is_active":
            values[name] = bool(value)
        else:
            raise TypeError(f"unexpected field: {name}")
    return values


def _plan_save(plan: Plan) -> Plan:
    try:
        plan.full_clean()
    except Exception as exc:
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            errors = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            raise ApplicationError(next(iter(errors.values()))[0], errors=errors, code="invalid_plan")
        raise
    plan.save()
    return plan


@transaction.atomic
def plan_create(*, actor, code: str, name: str, monthly_fee, **fields: Any) -> Plan:
    _require_manager(actor)
    values = _plan_values({"code": code, "name": name, "monthly_fee": monthly_fee, **fields})
    plan = _plan_save(Plan(**values))
    _audit("billing.plan_create", plan, actor, after={k: str(v) for k, v in values.items()})
    return plan


@transaction.atomic
def plan_update(*, actor, plan: Plan, **fields: Any) -> Plan:
    """Change a plan. Bills already generated keep their lines; drafts pick it up when regenerated."""
    _require_manager(actor)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    values = _plan_values(fields)
    before = {k: str(getattr(plan, k)) for k in values}
    for name, value in values.items():
        setattr(plan, name, value)
    _plan_save(plan)
    _audit("billing.plan_update", plan, actor, before=before, after={k: str(v) for k, v in values.items()})
    return plan


@transaction.atomic
def plan_assign(*, actor, enterprise, plan: Plan, effective_from: dt.date | None = None) -> PlanAssignment:
    """Put the enterprise on ``plan`` from the next period on (never within a period)."""
    _require_manager(actor)
    earliest = next_month(current_period())
    effective_from = month_start(effective_from) if effective_from else earliest
    if effective_from < earliest:
        _refuse(
            "effective_from", _("套餐只能从下一个账期（%(month)s）起变更") % {"month": f"{earliest:%Y-%m}"}
        )
    if not plan.is_active:
        _refuse("plan", _("套餐“%(plan)s”已停用") % {"plan": plan.name})
    _lock_enterprise(enterprise.pk)
    current = (
        PlanAssignment.objects.filter(enterprise=enterprise, effective_from__lte=effective_from)
        .order_by("-effective_from")
        .select_related("plan")
        .first()
    )
    assignment, _created = PlanAssignment.objects.update_or_create(
        enterprise=enterprise,
        effective_from=effective_from,
        defaults={"plan": plan, "assigned_by": _user(actor)},
    )
    _audit(
        "billing.plan_assign",
        assignment,
        actor,
        before={"plan": current.plan.code if current else None},
        after={"plan": plan.code, "effective_from": str(effective_from)},
        repr_=f"{enterprise.code}: {plan.code}",
    )
    events.plan_changed(enterprise.pk, plan=plan, effective_from=effective_from, actor=actor)
    return assignment


# ---------------------------------------------------------------- one-off charges


@transaction.atomic
def manual_charge_add(
    *, actor, enterprise, period: dt.date, description: str, reason: str, unit_price, quantity=1
) -> ManualCharge:
    """A one-off item on the enterprise's bill for ``period`` (refused once that bill is issued)."""
    _require_manager(actor)
    period = month_start(period)
    description, reason = (description or "").strip(), (reason or "").strip()
    if not description:
        _refuse("description", _("项目：请填写"), "required")
    if not reason:
        _refuse("reason", _("原因：请填写"), "required")
    price = _decimal(unit_price, "unit_price", label=_("单价"))
    count = _decimal(quantity, "quantity", label=_("数量"))
    if count <= 0:
        _refuse("quantity", _("数量：应大于 0"))
    if line_amount(count, price) > MAX_LINE_AMOUNT:
        _refuse("unit_price", _("金额过大：一项费用不能超过 ¥%(max)s") % {"max": MAX_LINE_AMOUNT})
    _lock_enterprise(enterprise.pk)
    if Bill.objects.filter(
        enterprise=enterprise, period=period, kind=BillKind.BILL, status=BillStatus.ISSUED
    ).exists():
        _refuse(
            "period",
            _("%(month)s 的账单已开出，请计入下一个账期") % {"month": f"{period:%Y-%m}"},
            "bill_issued",
        )
    charge = ManualCharge.objects.create(
        enterprise=enterprise,
        period=period,
        description=description,
        reason=reason,
        unit_price=price,
        quantity=count,
        created_by=_user(actor),
    )
    _audit(
        "billing.manual_charge_add",
        charge,
        actor,
        after={
            "enterprise": enterprise.code,
            "period": f"{period:%Y-%m}",
            "amount": str(line_amount(count, price)),
            "reason": reason,
        },
    )
    return charge


@transaction.atomic
def manual_charge_delete(*, actor, charge: ManualCharge) -> None:
    _require_manager(actor)
    _lock_enterprise(charge.enterprise_id)
    if Bill.objects.filter(
        enterprise_id=charge.enterprise_id, period=charge.period, kind=BillKind.BILL, status=BillStatus.ISSUED
    ).exists():
        _refuse(
            "period",
            _("%(month)s 的账单已开出，不能删除其费用") % {"month": f"{charge.period:%Y-%m}"},
            "bill_issued",
        )
    _audit(
        "billing.manual_charge_delete",
        charge,
        actor,
        before={"description": charge.description, "reason": charge.reason},
    )
    charge.delete()


# ---------------------------------------------------------------- bill generation


@dataclass
class BillingContext:
    """What a run reads once for every enterprise (set-based): settings, the price list in force,
    each enterprise's plan, usage and one-off charges."""

    period: dt.date
    settings: BillingSettings
    price_list: PriceList | None
    prices: dict[str, Price]
    plans: dict[int, Plan]
    usage: dict[int, Usage]
    manual: dict[int, list[ManualCharge]]
    as_of: dt.datetime

    @classmethod
    def load(cls, period: dt.date, enterprise_ids: list[int] | None = None) -> BillingContext:
        from apps.billing import selectors

        period = month_start(period)
        as_of = timezone.now()
        price_list = selectors.price_list_for(period)
        manual: dict[int, list[ManualCharge]] = {}
        charges = ManualCharge.objects.filter(period=period).order_by("id")
        if enterprise_ids is not None:
            charges = charges.filter(enterprise_id__in=enterprise_ids)
        for charge in charges:
            manual.setdefault(charge.enterprise_id, []).append(charge)
        return cls(
            period=period,
            settings=BillingSettings.load(),
            price_list=price_list,
            prices={p.kind: p for p in price_list.prices.all()} if price_list else {},
            plans=selectors.plans_for(period, enterprise_ids),
            usage=usage_for_period(period, enterprise_ids=enterprise_ids),
            manual=manual,
            as_of=as_of,
        )


def _unit(kind: str) -> tuple[str, int]:
    label, size = KIND_UNITS[kind]
    return str(label), size


def compute_lines(enterprise_id: int, ctx: BillingContext) -> list[BillLine]:
    """The bill lines of one enterprise (unsaved). A tiered kind gives one line per tier band
    holding billable units; the free allowance covers the month's first units; a kind with no
    usage gives no line."""
    from apps.billing.selectors import allowance_for

    usage = ctx.usage.get(enterprise_id) or Usage()
    plan = ctx.plans.get(enterprise_id)
    lines: list[BillLine] = []
    if plan is not None and plan.monthly_fee > 0:
        unit, size = _unit(ChargeKind.PLAN_FEE)
        lines.append(
            BillLine(
                kind=ChargeKind.PLAN_FEE,
                description=_("套餐“%(plan)s”月费") % {"plan": plan.name},
                quantity=Decimal(1),
                billable_quantity=Decimal(1),
                unit=unit,
                unit_size=size,
                unit_price=plan.monthly_fee,
                amount=round_money(plan.monthly_fee),
            )
        )
    for kind in PRICED_KINDS:
        price = ctx.prices.get(kind)
        quantity = usage.quantity(kind)
        if price is None or quantity <= 0:
            continue
        allowance = allowance_for(kind, price=price, plan=plan)
        unit, size = _unit(kind)
        label = _kind_label(kind)
        tiers = list(price.tiers.all())
        bands = [(t.from_quantity, t.to_quantity, t.unit_price) for t in tiers] or [
            (ZERO, None, price.unit_price)
        ]
        kind_lines = []
        for low, high, unit_price in bands:
            top = quantity if high is None else min(quantity, high)
            billable = max(ZERO, top - max(low, allowance))
            if billable <= 0:
                continue
            description = label
            if tiers:
                description = _("%(kind)s（%(from)s 至 %(to)s）") % {
                    "kind": label,
                    "from": f"{low.normalize():f}",
                    "to": f"{high.normalize():f}" if high is not None else "∞",
                }
            kind_lines.append(
                BillLine(
                    kind=kind,
                    description=description,
                    quantity=quantity,
                    free_allowance=allowance,
                    billable_quantity=billable,
                    unit=unit,
                    unit_size=size,
                    unit_price=unit_price,
                    amount=line_amount(billable, unit_price, size),
                    tier_from=low if tiers else None,
                    tier_to=high if tiers else None,
                )
            )
        if not kind_lines:
            # all within the allowance: one line at ¥0 shows the usage against it
            kind_lines.append(
                BillLine(
                    kind=kind,
                    description=label,
                    quantity=quantity,
                    free_allowance=allowance,
                    billable_quantity=ZERO,
                    unit=unit,
                    unit_size=size,
                    unit_price=bands[0][2],
                    amount=ZERO,
                )
            )
        lines.extend(kind_lines)
    unit, size = _unit(ChargeKind.MANUAL)
    for charge in ctx.manual.get(enterprise_id, []):
        lines.append(
            BillLine(
                kind=ChargeKind.MANUAL,
                description=charge.description,
                reason=charge.reason,
                quantity=charge.quantity,
                billable_quantity=charge.quantity,
                unit=unit,
                unit_size=size,
                unit_price=charge.unit_price,
                amount=line_amount(charge.quantity, charge.unit_price),
            )
        )
    for position, line in enumerate(lines, start=1):
        line.position = position
    return lines


def bill_number(enterprise, period: dt.date) -> str:
    return f"ZD{period:%Y%m}-{enterprise.code.upper()}"


def _totals(bill: Bill, lines: list[BillLine], vat_rate: Decimal) -> None:
    bill.subtotal = sum((line.amount for line in lines), ZERO)
    bill.vat_rate = vat_rate
    bill.vat_amount = vat_of(bill.subtotal, vat_rate)
    bill.total = bill.subtotal + bill.vat_amount
    bill.total_in_words = amount_in_words(bill.total)


def _bill_row_locked(enterprise, period: dt.date) -> Bill:
    """The enterprise's bill row for ``period``, inserted if missing, locked for this transaction,
    in one statement: INSERT ... ON CONFLICT (the partial unique index) DO UPDATE (a no-op that
    takes the row lock) RETURNING the row. A concurrent run waits here for the other's commit."""
    fields = [f for f in Bill._meta.concrete_fields if not f.primary_key]
    new = Bill(
        number=bill_number(enterprise, period), enterprise=enterprise, period=period, kind=BillKind.BILL
    )
    values = [f.get_db_prep_save(f.pre_save(new, True), connection) for f in fields]
    table = connection.ops.quote_name(Bill._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    returned = [Bill._meta.pk, *fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) "
            # the predicate is written out: PostgreSQL infers the partial index from it
            f"ON CONFLICT (enterprise_id, period) WHERE kind = '{BillKind.BILL.value}' "
            f"DO UPDATE SET updated_at = {table}.updated_at "
            f"RETURNING {', '.join(connection.ops.quote_name(f.column) for f in returned)}",
            values,
        )
        row = cursor.fetchone()
    row = [
        f.from_db_value(value, None, connection)
        if hasattr(f, "from_db_value") and value is not None
        else value
        for f, value in zip(returned, row, strict=True)
    ]
    return Bill.from_db(connection.alias, [f.attname for f in returned], row)


@transaction.atomic
def bill_generate(
    *,
    enterprise,
    period: dt.date,
    ctx: BillingContext | None = None,
    run: BillingRun | None = None,
    actor=None,
) -> tuple[Bill, str]:
    """Create or regenerate the enterprise's draft bill for ``period`` in one transaction; an
    issued bill is left as it is. Returns (bill, "created" | "regenerated" | "kept")."""
    period = month_start(period)
    ctx = ctx or BillingContext.load(period, [enterprise.pk])
    bill = _bill_row_locked(enterprise, period)
    if bill.status != BillStatus.DRAFT:
        return bill, "kept"
    created = bill.generated_at is None
    before = None if created else {"subtotal": str(bill.subtotal), "total": str(bill.total)}
    lines = compute_lines(enterprise.pk, ctx)
    if not created:
        bill.lines.all().delete()
    for line in lines:
        line.bill = bill
    BillLine.objects.bulk_create(lines)
    _totals(bill, lines, ctx.settings.vat_rate)
    bill.price_list = ctx.price_list
    bill.plan = ctx.plans.get(enterprise.pk)
    bill.run = run
    bill.usage = (ctx.usage.get(enterprise.pk) or Usage()).as_dict()
    bill.usage_as_of = ctx.as_of
    bill.generated_at = timezone.now()
    bill.save()
    if ctx.price_list is not None and ctx.price_list.locked_at is None:
        PriceList.objects.filter(pk=ctx.price_list.pk, locked_at__isnull=True).update(
            locked_at=timezone.now()
        )
        ctx.price_list.locked_at = timezone.now()  # once per run, not once per bill
    _audit(
        "billing.bill_generate" if created else "billing.bill_regenerate",
        bill,
        actor,
        before=before,
        after={
            "subtotal": str(bill.subtotal),
            "vat": str(bill.vat_amount),
            "total": str(bill.total),
            "lines": len(lines),
        },
    )
    events.bill_generated(bill, actor=actor, regenerated=not created)
    return bill, "created" if created else "regenerated"


def bill_regenerate(*, actor, bill: Bill) -> Bill:
    """Regenerate one draft with the usage as it stands now (issued bills are refused)."""
    _require_manager(actor)
    if bill.kind != BillKind.BILL or bill.status != BillStatus.DRAFT:
        raise ApplicationError(_("只能重新生成草稿账单"), code="not_draft")
    regenerated, _outcome = bill_generate(enterprise=bill.enterprise, period=bill.period, actor=actor)
    return regenerated


def _check_period_ended(period: dt.date) -> dt.date:
    period = month_start(period)
    if next_month(period) > today():
        _refuse(
            "period", _("账期 %(month)s 尚未结束，不能计费") % {"month": f"{period:%Y-%m}"}, "period_open"
        )
    return period


@transaction.atomic
def billing_run_start(*, actor, period: dt.date) -> BillingRun:
    """Start the tracked billing run for a month that has ended (by hand or by beat: actor None)."""
    from apps.billing.tasks import billing_run_task
    from apps.tasks.base import start_tracked

    if actor is not None:
        _require_manager(actor)
    period = _check_period_ended(period)
    run = BillingRun.objects.create(period=period, started_by=_user(actor))
    task_run = start_tracked(
        billing_run_task,
        run.pk,
        title=_("%(month)s 月度计费") % {"month": f"{period:%Y-%m}"},
        user=_user(actor),
    )
    run.task_run = task_run
    run.save(update_fields=["task_run"])
    _audit("billing.run_start", run, actor, after={"period": f"{period:%Y-%m}"})
    return run


def billing_run_execute(*, run_id: int, progress=None) -> dict:
    """The run's body (the task calls it): usage read once, as it stands now, for every
    enterprise; then each enterprise's bill in its own transaction, so a run killed half-way
    leaves whole bills and the rerun completes the rest."""
    run = BillingRun.objects.get(pk=run_id)
    BillingRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING)
    try:
        enterprises = list(billable_enterprises(run.period))
        ctx = BillingContext.load(run.period, [e.pk for e in enterprises])
        BillingRun.objects.filter(pk=run.pk).update(usage_as_of=ctx.as_of)
        counts = {"created": 0, "regenerated": 0, "kept": 0}
        total = len(enterprises) or 1
        for number, enterprise in enumerate(enterprises, start=1):
            _bill, outcome = bill_generate(enterprise=enterprise, period=run.period, ctx=ctx, run=run)
            counts[outcome] += 1
            if progress is not None and (number % 20 == 0 or number == total):
                progress(
                    int(number * 100 / total),
                    _("已生成 %(n)s / %(total)s 家企业的账单") % {"n": number, "total": len(enterprises)},
                )
    except Exception as exc:
        BillingRun.objects.filter(pk=run.pk).update(
            state=RunState.FAILED, message=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    BillingRun.objects.filter(pk=run.pk).update(
        state=RunState.SUCCEEDED,
        bills_created=counts["created"],
        bills_regenerated=counts["regenerated"],
        bills_kept=counts["kept"],
        finished_at=timezone.now(),
    )
    return {"run_id": run.pk, "period": f"{run.period:%Y-%m}", **counts}


# ---------------------------------------------------------------- issue


def _settle_if_paid(bill: Bill) -> None:
    if bill.open_amount <= 0 and bill.settled_at is None:
        bill.settled_at = timezone.now()


def _balance(enterprise_id: int) -> Decimal:
    from django.db.models import Sum

    return BalanceEntry.objects.filter(enterprise_id=enterprise_id).aggregate(s=Sum("amount"))["s"] or ZERO


def _apply_balance(bill: Bill, actor=None) -> Decimal:
    """Use the enterprise's balance (预存款) on ``bill`` (locked by the caller)."""
    available = _balance(bill.enterprise_id)
    amount = min(available, bill.open_amount)
    if amount <= 0:
        return ZERO
    BalanceEntry.objects.create(
        enterprise_id=bill.enterprise_id, kind=BalanceEntryKind.APPLIED, amount=-amount, bill=bill
    )
    bill.paid_amount += amount
    _settle_if_paid(bill)
    bill.save(update_fields=["paid_amount", "settled_at", "updated_at"])
    events.balance_applied(bill, amount, actor=actor)
    return amount


@transaction.atomic
def bill_issue(*, actor, bill: Bill) -> Bill:
    """Issue a draft: from now on it never changes (corrections are credit notes). Its due date
    is today plus the payment terms; the enterprise's balance is applied to it."""
    _require_manager(actor)
    _lock_enterprise(bill.enterprise_id)
    bill = Bill.objects.select_for_update().select_related("enterprise").get(pk=bill.pk)
    if bill.kind != BillKind.BILL or bill.status != BillStatus.DRAFT:
        raise ApplicationError(
            _("账单 %(number)s 不是草稿，不能开出") % {"number": bill.number}, code="not_draft"
        )
    terms = BillingSettings.load().payment_terms_days
    bill.status = BillStatus.ISSUED
    bill.issued_at = timezone.now()
    bill.issued_by = _user(actor)
    bill.due_date = today() + dt.timedelta(days=terms)
    _settle_if_paid(bill)
    bill.save()
    _audit(
        "billing.bill_issue",
        bill,
        actor,
        before={"status": BillStatus.DRAFT},
        after={"status": bill.status, "total": str(bill.total), "due_date": str(bill.due_date)},
    )
    events.bill_issued(bill, actor=actor)
    _apply_balance(bill, actor)
    return bill


def bills_issue(*, actor, period: dt.date) -> int:
    """Issue every draft of the period (each in its own transaction)."""
    _require_manager(actor)
    drafts = Bill.objects.filter(
        period=month_start(period), kind=BillKind.BILL, status=BillStatus.DRAFT
    ).order_by("pk")
    issued = 0
    for bill in drafts:
        bill_issue(actor=actor, bill=bill)
        issued += 1
    return issued


# ---------------------------------------------------------------- credit notes


def _move_excess_to_balance(bill: Bill) -> Decimal:
    """After a credit, what was paid beyond the bill's net amount goes to the balance."""
    excess = bill.paid_amount - max(ZERO, bill.total - bill.credited_amount)
    if excess <= 0:
        return ZERO
    bill.paid_amount -= excess
    BalanceEntry.objects.create(
        enterprise_id=bill.enterprise_id, kind=BalanceEntryKind.CREDIT, amount=excess, bill=bill
    )
    return excess


@transaction.atomic
def credit_note_create(*, actor, bill: Bill, reason: str, lines: list[dict] | None = None) -> Bill:
    """红冲 an issued bill. Without ``lines`` the whole bill is reversed; with ``lines``
    (``[{"description", "amount"}]``, pre-tax amounts to credit) only those, plus their VAT at the
    bill's rate. The credit note is issued at once and references the bill; what the enterprise
    already paid beyond the corrected amount becomes balance."""
    _require_manager(actor)
    reason = (reason or "").strip()
    if not reason:
        _refuse("reason", _("红冲原因：请填写"), "required")
    _lock_enterprise(bill.enterprise_id)
    bill = Bill.objects.select_for_update().select_related("enterprise").get(pk=bill.pk)
    if bill.kind != BillKind.BILL or bill.status != BillStatus.ISSUED:
        raise ApplicationError(_("只能红冲已开出的账单"), code="not_issued")
    remaining = bill.total - bill.credited_amount
    if lines is None:
        if bill.credited_amount > 0:
            _refuse("lines", _("该账单已部分红冲，请逐项填写红冲金额"))
        note_lines = [
            BillLine(
                kind=line.kind,
                description=line.description,
                reason=line.reason,
                quantity=-line.quantity,
                free_allowance=line.free_allowance,
                billable_quantity=-line.billable_quantity,
                unit=line.unit,
                unit_size=line.unit_size,
                unit_price=line.unit_price,
                amount=-line.amount,
                tier_from=line.tier_from,
                tier_to=line.tier_to,
            )
            for line in bill.lines.order_by("position", "id")
        ]
        subtotal, vat = -bill.subtotal, -bill.vat_amount
    else:
        note_lines = []
        for index, raw in enumerate(lines):
            amount = _decimal(raw.get("amount"), f"lines.{index}.amount", label=_("红冲金额"))
            if amount <= 0:
                _refuse(f"lines.{index}.amount", _("红冲金额：应大于 0"))
            kind = raw.get("kind") or ChargeKind.MANUAL
            if kind not in ChargeKind.values:
                _refuse(f"lines.{index}.kind", _("收费项目无效"))
            note_lines.append(
                BillLine(
                    kind=kind,
                    description=(raw.get("description") or "").strip() or _("红冲"),
                    reason=reason[:200],
                    quantity=Decimal(-1),
                    billable_quantity=Decimal(-1),
                    unit=_unit(ChargeKind.MANUAL)[0],
                    unit_price=round_money(amount),
                    amount=-round_money(amount),
                )
            )
        if not note_lines:
            _refuse("lines", _("请填写红冲明细"), "required")
        subtotal = sum((line.amount for line in note_lines), ZERO)
        vat = -vat_of(-subtotal, bill.vat_rate)
    total = subtotal + vat
    if -total > remaining:
        _refuse(
            "lines",
            _("红冲金额 ¥%(amount)s 超过账单可红冲金额 ¥%(remaining)s")
            % {"amount": -total, "remaining": remaining},
            "too_much",
        )
    sequence = bill.credit_notes.count() + 1
    note = Bill.objects.create(
        number=f"HC{bill.period:%Y%m}-{bill.enterprise.code.upper()}-{sequence}",
        kind=BillKind.CREDIT_NOTE,
        enterprise=bill.enterprise,
        period=bill.period,
        status=BillStatus.ISSUED,
        credits=bill,
        reason=reason,
        price_list=bill.price_list,
        plan=bill.plan,
        subtotal=subtotal,
        vat_rate=bill.vat_rate,
        vat_amount=vat,
        total=total,
        total_in_words=amount_in_words(total),
        generated_at=timezone.now(),
        issued_at=timezone.now(),
        issued_by=_user(actor),
    )
    for position, line in enumerate(note_lines, start=1):
        line.bill, line.position = note, position
    BillLine.objects.bulk_create(note_lines)
    bill.credited_amount += -total
    refunded = _move_excess_to_balance(bill)
    _settle_if_paid(bill)
    bill.save(update_fields=["credited_amount", "paid_amount", "settled_at", "updated_at"])
    _audit(
        "billing.credit_note",
        note,
        actor,
        after={"bill": bill.number, "total": str(total), "reason": reason, "to_balance": str(refunded)},
    )
    events.credit_note_issued(note, actor=actor)
    _lift_if_clear(bill.enterprise, actor=actor)
    return note


# ---------------------------------------------------------------- payments


@transaction.atomic
def payment_record(
    *,
    actor,
    enterprise,
    reference: str,
    amount,
    received_on: dt.date,
    bills: list[Bill] | None = None,
    payer_name: str = "",
    note: str = "",
) -> Payment:
    """Record a bank transfer and allocate it to ``bills`` (default: the enterprise's open issued
    bills, oldest due first), partially where it does not cover them; what is left is kept as
    the enterprise's balance (预存款), never a negative bill. A 流水号 is recorded once."""
    _require_manager(actor)
    reference = (reference or "").strip()
    if not reference:
        _refuse("reference", _("银行流水号：请填写"), "required")
    value = _decimal(amount, "amount", label=_("金额"))
    if value <= 0 or round_money(value) != value:
        _refuse("amount", _("金额：应为大于 0 的金额（最多两位小数）"))
    if not isinstance(received_on, dt.date):
        _refuse("received_on", _("到账日期：请填写日期"), "required")
    if received_on > today():
        _refuse("received_on", _("到账日期：不能晚于今天"))
    if Payment.objects.filter(reference=reference).exists():
        _refuse(
            "reference",
            _("银行流水号 %(reference)s 已登记，不能重复登记") % {"reference": reference},
            "duplicate_reference",
        )
    _lock_enterprise(enterprise.pk)
    if bills is None:
        targets = list(
            Bill.objects.select_for_update()
            .filter(
                enterprise=enterprise, kind=BillKind.BILL, status=BillStatus.ISSUED, settled_at__isnull=True
            )
            .order_by("due_date", "period", "pk")
        )
    else:
        ids = [b.pk for b in bills]
        targets = list(
            Bill.objects.select_for_update().filter(pk__in=ids).order_by("due_date", "period", "pk")
        )
        for bill in targets:
            if (
                bill.enterprise_id != enterprise.pk
                or bill.kind != BillKind.BILL
                or bill.status != BillStatus.ISSUED
            ):
                _refuse("bills", _("账单 %(number)s 不是该企业已开出的账单") % {"number": bill.number})
        if len(targets) != len(set(ids)):
            _refuse("bills", _("账单不存在"))
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                enterprise=enterprise,
                reference=reference,
                amount=value,
                received_on=received_on,
                payer_name=(payer_name or "").strip(),
                note=(note or "").strip(),
                recorded_by=_user(actor),
            )
    except IntegrityError:
        _refuse(
            "reference",
            _("银行流水号 %(reference)s 已登记，不能重复登记") % {"reference": reference},
            "duplicate_reference",
        )
    left = value
    allocations = []
    for bill in targets:
        share = min(left, bill.open_amount)
        if share <= 0:
            continue
        allocations.append(PaymentAllocation(payment=payment, bill=bill, amount=share))
        bill.paid_amount += share
        _settle_if_paid(bill)
        bill.save(update_fields=["paid_amount", "settled_at", "updated_at"])
        left -= share
        if left <= 0:
            break
    PaymentAllocation.objects.bulk_create(allocations)
    if left > 0:
        BalanceEntry.objects.create(
            enterprise=enterprise, kind=BalanceEntryKind.OVERPAYMENT, amount=left, payment=payment
        )
    allocated = value - left
    _audit(
        "billing.payment_record",
        payment,
        actor,
        after={
            "enterprise": enterprise.code,
            "amount": str(value),
            "received_on": str(received_on),
            "allocations": {a.bill.number: str(a.amount) for a in allocations},
            "to_balance": str(left),
        },
    )
    events.payment_recorded(payment, allocated=allocated, to_balance=left, actor=actor)
    _lift_if_clear(enterprise, actor=actor)
    return payment


# ---------------------------------------------------------------- overdue policy


def _overdue_threshold(on: dt.date, policy: BillingSettings) -> dt.date:
    """Bills due on or before this date are overdue by at least ``suspend_after_days``."""
    return on - dt.timedelta(days=policy.suspend_after_days)


def _recipients(enterprise) -> list[str]:
    from apps.accounts.models import Membership
    from apps.billing.permissions import ENTERPRISE_ROLES

    emails = [enterprise.contact_email] + list(
        Membership.objects.filter(enterprise=enterprise, role__in=ENTERPRISE_ROLES)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted({e for e in emails if e})


REMINDER_SUBJECT = gettext_lazy("【%(park)s】账单 %(number)s 付款提醒")
REMINDER_BODY = gettext_lazy(
    "%(name)s：\n\n账单 %(number)s（账期 %(month)s）价税合计 ¥%(total)s，尚未支付 ¥%(open)s，到期日 %(due)s。\n"
    "请按账单上的付款信息转账，并在附言中注明账单编号。\n"
)
OVERDUE_BODY = gettext_lazy(
    "%(name)s：\n\n账单 %(number)s（账期 %(month)s）已于 %(due)s 到期，尚未支付 ¥%(open)s。\n"
    "逾期 %(days)s 天后将暂停贵单位的标识注册（已注册标识的解析不受影响），缴清后自动恢复。\n"
)


def _mail_reminder(bill: Bill, *, overdue: bool, policy: BillingSettings) -> None:
    from django.core.mail import send_mail

    from apps.tenants.selectors import park_get

    recipients = _recipients(bill.enterprise)
    if not recipients:
        return
    park = park_get()
    params = {
        "park": park.name if park else "",
        "name": bill.enterprise.name,
        "number": bill.number,
        "month": f"{bill.period:%Y-%m}",
        "total": bill.total,
        "open": bill.open_amount,
        "due": bill.due_date,
        "days": policy.suspend_after_days,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(REMINDER_SUBJECT) % params
        body = str(OVERDUE_BODY if overdue else REMINDER_BODY) % params

    def send():
        try:
            send_mail(subject, body, None, recipients)
        except Exception:
            log.exception("billing reminder for %s failed", bill.number)

    transaction.on_commit(send)


@transaction.atomic
def _remind(bill_id: int, *, overdue: bool, policy: BillingSettings) -> bool:
    bill = Bill.objects.select_for_update().select_related("enterprise").get(pk=bill_id)
    stamp = "reminded_after_at" if overdue else "reminded_before_at"
    if getattr(bill, stamp) is not None or bill.open_amount <= 0:
        return False
    setattr(bill, stamp, timezone.now())
    bill.save(update_fields=[stamp, "updated_at"])
    _mail_reminder(bill, overdue=overdue, policy=policy)
    events.reminder_sent(bill, overdue=overdue)
    _audit("billing.reminder", bill, None, after={"overdue": overdue, "due_date": str(bill.due_date)})
    return True


@transaction.atomic
def _suspend(bill_id: int, *, on: dt.date) -> bool:
    """Suspend registration (the enterprise's active prefixes, through the prefix suspension
    service) for an overdue bill. Resolution keeps working: the resolver ignores prefix status."""
    from apps.identifiers.choices import PrefixStatus
    from apps.identifiers.prefixes import prefix_suspend

    bill = Bill.objects.select_related("enterprise").get(pk=bill_id)
    _lock_enterprise(bill.enterprise_id)
    if BillingSuspension.objects.filter(enterprise_id=bill.enterprise_id, lifted_at__isnull=True).exists():
        return False
    bill = Bill.objects.select_for_update().get(pk=bill_id)
    if bill.open_amount <= 0:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("账单 %(number)s 逾期未缴") % {"number": bill.number}
    suspended = []
    for prefix in bill.enterprise.prefixes.filter(status=PrefixStatus.ACTIVE).order_by("pk"):
        prefix_suspend(prefix=prefix, actor=None, reason=reason)
        suspended.append(prefix.pk)
    suspension = BillingSuspension.objects.create(
        enterprise_id=bill.enterprise_id, bill=bill, prefix_ids=suspended, started_at=timezone.now()
    )
    days = (on - bill.due_date).days
    _audit(
        "billing.suspend",
        suspension,
        None,
        after={"bill": bill.number, "prefixes": suspended, "days_overdue": days},
    )
    events.registration_suspended(bill, days=days)
    return True


def _lift_if_clear(enterprise, *, actor=None, on: dt.date | None = None) -> bool:
    """Lift the enterprise's billing suspension once no bill overdue past the policy is open:
    resume only the prefixes the suspension suspended and that are still suspended (a prefix the
    park suspended for another reason, or a suspended enterprise, stays as it is)."""
    from apps.identifiers.choices import PrefixStatus
    from apps.identifiers.models import Prefix
    from apps.identifiers.prefixes import prefix_resume
    from apps.tenants.choices import EnterpriseStatus
    from apps.tenants.models import Enterprise

    suspension = (
        BillingSuspension.objects.select_for_update()
        .filter(enterprise_id=enterprise.pk, lifted_at__isnull=True)
        .first()
    )
    if suspension is None:
        return False
    policy = BillingSettings.load()
    threshold = _overdue_threshold(on or today(), policy)
    still_overdue = [
        b
        for b in Bill.objects.filter(
            enterprise_id=enterprise.pk,
            kind=BillKind.BILL,
            status=BillStatus.ISSUED,
            settled_at__isnull=True,
            due_date__lte=threshold,
        )
        if b.open_amount > 0
    ]
    if still_overdue:
        return False
    enterprise_status = Enterprise.objects.filter(pk=enterprise.pk).values_list("status", flat=True).first()
    resumed = []
    if enterprise_status != EnterpriseStatus.SUSPENDED:
        for prefix in Prefix.objects.filter(
            pk__in=suspension.prefix_ids, status=PrefixStatus.SUSPENDED
        ).order_by("pk"):
            prefix_resume(prefix=prefix, actor=actor)
            resumed.append(prefix.pk)
    suspension.lifted_at = timezone.now()
    suspension.save(update_fields=["lifted_at"])
    _audit("billing.resume", suspension, actor, before={"lifted_at": None}, after={"prefixes": resumed})
    events.registration_resumed(enterprise.pk, actor=actor)
    return True


def overdue_policy_apply(*, on: dt.date | None = None) -> dict:
    """The daily overdue policy over every open issued bill: a reminder N days before the due date
    and one N days after it, registration suspended after M days overdue, suspensions lifted
    when nothing overdue is left. Each step its own transaction; safe to run twice a day."""
    on = on or today()
    policy = BillingSettings.load()
    open_bills = Bill.objects.filter(
        kind=BillKind.BILL, status=BillStatus.ISSUED, settled_at__isnull=True, due_date__isnull=False
    )
    counts = {"reminded_before": 0, "reminded_after": 0, "suspended": 0, "lifted": 0}
    before = open_bills.filter(
        reminded_before_at__isnull=True,
        due_date__gt=on,
        due_date__lte=on + dt.timedelta(days=policy.reminder_days_before),
    )
    for pk in before.values_list("pk", flat=True):
        counts["reminded_before"] += _remind(pk, overdue=False, policy=policy)
    after = open_bills.filter(
        reminded_after_at__isnull=True, due_date__lte=on - dt.timedelta(days=policy.reminder_days_after)
    ).filter(due_date__lt=on)
    for pk in after.values_list("pk", flat=True):
        counts["reminded_after"] += _remind(pk, overdue=True, policy=policy)
    suspended_now = set(
        BillingSuspension.objects.filter(lifted_at__isnull=True).values_list("enterprise_id", flat=True)
    )
    overdue = open_bills.filter(due_date__lte=_overdue_threshold(on, policy)).order_by(
        "enterprise_id", "due_date"
    )
    for pk, enterprise_id in overdue.values_list("pk", "enterprise_id"):
        if enterprise_id in suspended_now:
            continue
        suspended_now.add(enterprise_id)
        counts["suspended"] += _suspend(pk, on=on)
    from apps.tenants.models import Enterprise

    open_suspensions = BillingSuspension.objects.filter(lifted_at__isnull=True).values("enterprise_id")
    for enterprise in Enterprise.objects.filter(pk__in=open_suspensions):
        with transaction.atomic():
            _lock_enterprise(enterprise.pk)
            counts["lifted"] += _lift_if_clear(enterprise, on=on)
    return counts


# ---------------------------------------------------------------- invoice requests


def _taxpayer_number(value: str) -> str:
    from stdnum.cn import uscc
    from stdnum.exceptions import ValidationError as StdnumError

    value = (value or "").strip().upper()
    if not value:
        _refuse("taxpayer_number", _("纳税人识别号：请填写"), "required")
    try:
        return uscc.validate(value)
    except StdnumError:
        _refuse("taxpayer_number", _("纳税人识别号：不是有效的统一社会信用代码"), "invalid_taxpayer_number")


@transaction.atomic
def invoice_request_create(
    *,
    actor,
    bill: Bill,
    invoice_type: str,
    title: str,
    taxpayer_number: str,
    address: str = "",
    phone: str = "",
    bank_name: str = "",
    bank_account: str = "",
) -> InvoiceRequest:
    """The enterprise asks for a fapiao for an issued bill (its net amount after credit notes).
    A 专用发票 needs the address, phone, bank and account as well."""
    if not can_request_invoice(actor, bill.enterprise):
        raise PermissionDenied(_("只有本企业管理员或财务可以申请开票"))
    if invoice_type not in InvoiceType.values:
        _refuse("invoice_type", _("发票类型：请选择普通发票或专用发票"))
    title = (title or "").strip()
    if not title:
        _refuse("title", _("发票抬头：请填写"), "required")
    number = _taxpayer_number(taxpayer_number)
    values = {
        "address": (address or "").strip(),
        "phone": (phone or "").strip(),
        "bank_name": (bank_name or "").strip(),
        "bank_account": (bank_account or "").strip(),
    }
    if invoice_type == InvoiceType.SPECIAL:
        for name, value in values.items():
            if not value:
                label = str(InvoiceRequest._meta.get_field(name).verbose_name)
                _refuse(name, _("%(label)s：专用发票必须填写") % {"label": label}, "required")
    _lock_enterprise(bill.enterprise_id)
    bill = Bill.objects.select_for_update().get(pk=bill.pk)
    if bill.kind != BillKind.BILL or bill.status != BillStatus.ISSUED:
        _refuse("bill", _("只能为已开出的账单申请开票"))
    amount = bill.total - bill.credited_amount
    if amount <= 0:
        _refuse("bill", _("该账单已全额红冲，无需开票"))
    if bill.invoice_requests.exclude(status=InvoiceRequestStatus.REJECTED).exists():
        _refuse("bill", _("账单 %(number)s 已申请开票") % {"number": bill.number}, "duplicate")
    request = InvoiceRequest.objects.create(
        enterprise_id=bill.enterprise_id,
        bill=bill,
        invoice_type=invoice_type,
        title=title,
        taxpayer_number=number,
        amount=amount,
        requested_by=_user(actor),
        **values,
    )
    _audit(
        "billing.invoice_request",
        request,
        actor,
        after={
            "bill": bill.number,
            "type": invoice_type,
            "title": title,
            "taxpayer_number": number,
            "amount": str(amount),
        },
    )
    events.invoice_requested(request, actor=actor)
    return request


@transaction.atomic
def invoice_request_issue(
    *, actor, invoice_request: InvoiceRequest, invoice_number: str, invoice_date: dt.date, invoice_file
) -> InvoiceRequest:
    """The park records the fapiao its tax system issued: number, date and the PDF it got."""
    _require_manager(actor)
    request = InvoiceRequest.objects.select_for_update().select_related("bill").get(pk=invoice_request.pk)
    if request.status != InvoiceRequestStatus.REQUESTED:
        raise ApplicationError(_("该开票申请已处理"), code="already_handled")
    invoice_number = (invoice_number or "").strip()
    if not invoice_number:
        _refuse("invoice_number", _("发票号码：请填写"), "required")
    if not isinstance(invoice_date, dt.date):
        _refuse("invoice_date", _("开票日期：请填写日期"), "required")
    if invoice_date > today():
        _refuse("invoice_date", _("开票日期：不能晚于今天"))
    if invoice_file is None:
        _refuse("invoice_file", _("发票文件：请上传税务系统开具的发票 PDF"), "required")
    head = invoice_file.read(5)
    invoice_file.seek(0)
    if head != b"%PDF-":
        _refuse("invoice_file", _("发票文件：应为 PDF 文件"))
    request.invoice_number = invoice_number
    request.invoice_date = invoice_date
    request.status = InvoiceRequestStatus.ISSUED
    request.handled_by = _user(actor)
    request.handled_at = timezone.now()
    request.invoice_file.save(f"{invoice_number}.pdf", invoice_file, save=False)
    request.save()
    _audit(
        "billing.invoice_issue",
        request,
        actor,
        before={"status": InvoiceRequestStatus.REQUESTED},
        after={"status": request.status, "invoice_number": invoice_number, "invoice_date": str(invoice_date)},
    )
    events.invoice_issued(request, actor=actor)
    return request


@transaction.atomic
def invoice_request_reject(*, actor, invoice_request: InvoiceRequest, reason: str) -> InvoiceRequest:
    _require_manager(actor)
    reason = (reason or "").strip()
    if not reason:
        _refuse("reason", _("驳回原因：请填写"), "required")
    request = InvoiceRequest.objects.select_for_update().select_related("bill").get(pk=invoice_request.pk)
    if request.status != InvoiceRequestStatus.REQUESTED:
        raise ApplicationError(_("该开票申请已处理"), code="already_handled")
    request.status = InvoiceRequestStatus.REJECTED
    request.reject_reason = reason[:200]
    request.handled_by = _user(actor)
    request.handled_at = timezone.now()
    request.save()
    _audit(
        "billing.invoice_reject",
        request,
        actor,
        before={"status": InvoiceRequestStatus.REQUESTED},
        after={"status": request.status, "reason": reason},
    )
    events.invoice_rejected(request, actor=actor)
    return request


__all__ = [
    "BillingContext",
    "bill_generate",
    "bill_issue",
    "bill_regenerate",
    "billing_run_execute",
    "billing_run_start",
    "billing_settings_update",
    "bills_issue",
    "compute_lines",
    "credit_note_create",
    "invoice_request_create",
    "invoice_request_issue",
    "invoice_request_reject",
    "manual_charge_add",
    "manual_charge_delete",
    "overdue_policy_apply",
    "payment_record",
    "period_bounds",
    "plan_assign",
    "plan_create",
    "plan_update",
    "price_list_create",
    "price_list_delete",
    "price_list_update",
    "validate_prices",
]
