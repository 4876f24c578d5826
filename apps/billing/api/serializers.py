from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from apps.billing.choices import InvoiceType
from apps.billing.models import (
    BalanceEntry,
    Bill,
    BillingRun,
    BillLine,
    InvoiceRequest,
    Payment,
    PaymentAllocation,
    Price,
    PriceList,
    PriceTier,
)
from apps.billing.periods import parse_period
from apps.core.api import TextField, answer_example, request_example

ZLJM = {"id": 2, "code": "ZLJM", "name": "苏州智联精密机械有限公司"}
BILL = {
    "id": 12,
    "number": "ZD202602-ZLJM",
    "kind": "bill",
    "kind_label": "账单",
    "enterprise": ZLJM,
    "period": "2026-02-01",
    "status": "issued",
    "status_label": "已开出",
    "credits": None,
    "subtotal": "1399.00",
    "vat_rate": "6.00",
    "vat_amount": "83.94",
    "total": "1482.94",
    "total_in_words": "壹仟肆佰捌拾贰元玖角肆分",
    "credited_amount": "0.00",
    "paid_amount": "0.00",
    "open_amount": "1482.94",
    "payment_state": "unpaid",
    "due_date": "2026-03-31",
    "issued_at": "2026-03-02T09:00:00+08:00",
    "settled_at": None,
}
BILL_DETAIL = {
    **BILL,
    "reason": "",
    "usage": {"registrations": 1200, "resolutions": 250000, "storage_bytes": 221184, "terminals": 3},
    "usage_as_of": "2026-03-01T00:00:00+08:00",
    "lines": [
        {
            "position": 1,
            "kind": "plan_fee",
            "kind_label": "套餐月费",
            "description": "套餐“基础套餐”月费",
            "reason": "",
            "quantity": "1.0000",
            "free_allowance": "0.0000",
            "billable_quantity": "1.0000",
            "unit": "月",
            "unit_size": 1,
            "unit_price": "199.0000",
            "amount": "199.00",
            "tier_from": None,
            "tier_to": None,
        },
        {
            "position": 2,
            "kind": "prefix_annual",
            "kind_label": "企业前缀年费",
            "description": "前缀 88.101.ZLJM 年费",
            "reason": "",
            "quantity": "1.0000",
            "free_allowance": "0.0000",
            "billable_quantity": "1.0000",
            "unit": "个·年",
            "unit_size": 1,
            "unit_price": "1000.0000",
            "amount": "1000.00",
            "tier_from": None,
            "tier_to": None,
        },
    ],
    "credit_notes": [],
}
PAYMENT = {
    "id": 5,
    "enterprise": ZLJM,
    "reference": "BOC20260310000123",
    "amount": "1482.94",
    "received_on": "2026-03-10",
    "payer_name": "苏州智联精密机械有限公司",
    "note": "",
    "allocations": [{"bill": "ZD202602-ZLJM", "amount": "1482.94"}],
    "created_at": "2026-03-18T10:00:00+08:00",
}
INVOICE_REQUEST = {
    "id": 3,
    "enterprise": ZLJM,
    "bill": "ZD202602-ZLJM",
    "invoice_type": "special",
    "invoice_type_label": "增值税专用发票",
    "title": "苏州智联精密机械有限公司",
    "taxpayer_number": "91320594MA1XKL7K3B",
    "address": "苏州工业园区星湖街 328 号",
    "phone": "0512-62880001",
    "bank_name": "中国银行苏州工业园区支行",
    "bank_account": "5312 6800 1234",
    "amount": "1482.94",
    "status": "requested",
    "status_label": "已申请",
    "invoice_number": "",
    "invoice_date": None,
    "has_file": False,
    "reject_reason": "",
    "created_at": "2026-03-18T10:00:00+08:00",
    "handled_at": None,
}


class EnterpriseRefField(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class PriceTierSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriceTier
        fields = ["from_quantity", "to_quantity", "unit_price"]


class PriceSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    unit = serializers.CharField(source="unit_label", read_only=True)
    unit_size = serializers.IntegerField(read_only=True)
    tiers = PriceTierSerializer(many=True, read_only=True)

    class Meta:
        model = Price
        fields = ["kind", "kind_label", "unit", "unit_size", "unit_price", "free_allowance", "tiers"]


@extend_schema_serializer(
    examples=[
        answer_example(
            _lazy("园区标识服务资费标准"),
            {
                "id": 1,
                "name": "园区标识服务资费标准（2026 版）",
                "effective_from": "2026-01-01",
                "note": "",
                "is_locked": True,
                "prices": [
                    {
                        "kind": "prefix_annual",
                        "kind_label": "企业前缀年费",
                        "unit": "个·年",
                        "unit_size": 1,
                        "unit_price": "1000.0000",
                        "free_allowance": "0.0000",
                        "tiers": [],
                    },
                    {
                        "kind": "resolution",
                        "kind_label": "标识解析",
                        "unit": "万次",
                        "unit_size": 10000,
                        "unit_price": "2.0000",
                        "free_allowance": "100000.0000",
                        "tiers": [],
                    },
                ],
            },
        )
    ]
)
class PriceListSerializer(serializers.ModelSerializer):
    prices = PriceSerializer(many=True, read_only=True)
    is_locked = serializers.BooleanField(read_only=True)

    class Meta:
        model = PriceList
        fields = ["id", "name", "effective_from", "note", "is_locked", "prices"]
        read_only_fields = fields


class BillLineSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = BillLine
        fields = [
            "position",
            "kind",
            "kind_label",
            "description",
            "reason",
            "quantity",
            "free_allowance",
            "billable_quantity",
            "unit",
            "unit_size",
            "unit_price",
            "amount",
            "tier_from",
            "tier_to",
        ]
        read_only_fields = fields


@extend_schema_serializer(examples=[answer_example(_lazy("二月账单（已开出，未付款）"), BILL)])
class BillSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseRefField(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    credits = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    open_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    payment_state = serializers.CharField(read_only=True, default=None, allow_null=True)

    class Meta:
        model = Bill
        fields = [
            "id",
            "number",
            "kind",
            "kind_label",
            "enterprise",
            "period",
            "status",
            "status_label",
            "credits",
            "subtotal",
            "vat_rate",
            "vat_amount",
            "total",
            "total_in_words",
            "credited_amount",
            "paid_amount",
            "open_amount",
            "payment_state",
            "due_date",
            "issued_at",
            "settled_at",
        ]
        read_only_fields = fields


@extend_schema_serializer(examples=[answer_example(_lazy("账单及其明细"), BILL_DETAIL)])
class BillDetailSerializer(BillSerializer):
    lines = BillLineSerializer(many=True, read_only=True)
    credit_notes = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta(BillSerializer.Meta):
        fields = [*BillSerializer.Meta.fields, "reason", "usage", "usage_as_of", "lines", "credit_notes"]
        read_only_fields = fields


class CreditLineSerializer(serializers.Serializer):
    description = TextField(required=False, allow_blank=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text=_lazy("不含税红冲金额"))


@extend_schema_serializer(
    examples=[
        request_example(
            _lazy("部分红冲"),
            {
                "reason": "解析量统计重复，退回多计部分",
                "lines": [{"description": "标识解析多计", "amount": "40.00"}],
            },
        ),
        request_example(_lazy("全额红冲"), {"reason": "账单开错企业"}),
    ]
)
class CreditNoteCreateSerializer(serializers.Serializer):
    reason = TextField(help_text=_lazy("红冲原因"))
    lines = CreditLineSerializer(many=True, required=False, help_text=_lazy("省略则全额红冲"))


@extend_schema_serializer(
    examples=[
        answer_example(
            _lazy("二月计费批次"),
            {
                "id": 4,
                "period": "2026-02-01",
                "state": "succeeded",
                "task_run": 88,
                "usage_as_of": "2026-03-01T00:00:00+08:00",
                "bills_created": 36,
                "bills_regenerated": 2,
                "bills_kept": 1,
                "message": "生成 36 张，重新生成 2 张，保留 1 张",
                "created_at": "2026-03-01T02:00:00+08:00",
                "finished_at": "2026-03-01T02:03:12+08:00",
            },
        )
    ]
)
class BillingRunSerializer(serializers.ModelSerializer):
    task_run = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = BillingRun
        fields = [
            "id",
            "period",
            "state",
            "task_run",
            "usage_as_of",
            "bills_created",
            "bills_regenerated",
            "bills_kept",
            "message",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


@extend_schema_serializer(examples=[request_example(_lazy("为二月出账"), {"period": "2026-02"})])
class BillingRunCreateSerializer(serializers.Serializer):
    period = serializers.RegexField(r"^\d{4}-\d{2}$", help_text=_lazy("账期，如 2026-02"))

    def validate_period(self, value: str) -> str:
        if parse_period(value) is None:  # 0000-00, 2026-13: not a month
            raise serializers.ValidationError(_lazy("账期格式应为 YYYY-MM"))
        return value


class UsageRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=20, decimal_places=4)
    allowance = serializers.DecimalField(max_digits=20, decimal_places=4)
    percent = serializers.IntegerField()


@extend_schema_serializer(
    examples=[
        answer_example(
            _lazy("本月用量"),
            {
                "enterprise": ZLJM,
                "period": "2026-03-01",
                "as_of": "2026-03-18T10:00:00+08:00",
                "plan": "基础套餐",
                "rows": [
                    {
                        "kind": "registration",
                        "label": "标识注册",
                        "quantity": "1200.0000",
                        "allowance": "20000.0000",
                        "percent": 6,
                    },
                    {
                        "kind": "resolution",
                        "label": "标识解析",
                        "quantity": "250000.0000",
                        "allowance": "100000.0000",
                        "percent": 250,
                    },
                ],
            },
        )
    ]
)
class UsageSerializer(serializers.Serializer):
    enterprise = EnterpriseRefField()
    period = serializers.DateField()
    as_of = serializers.DateTimeField()
    plan = serializers.CharField(allow_null=True)
    rows = UsageRowSerializer(many=True)


class BalanceEntrySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    bill = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    payment = serializers.SlugRelatedField(slug_field="reference", read_only=True, allow_null=True)

    class Meta:
        model = BalanceEntry
        fields = ["kind", "kind_label", "amount", "bill", "payment", "created_at"]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        answer_example(
            _lazy("预存款余额"),
            {
                "enterprise": ZLJM,
                "balance": "17.06",
                "entries": [
                    {
                        "kind": "overpayment",
                        "kind_label": "多付转预存款",
                        "amount": "17.06",
                        "bill": None,
                        "payment": "BOC20260310000123",
                        "created_at": "2026-03-10T15:00:00+08:00",
                    }
                ],
            },
        )
    ]
)
class BalanceSerializer(serializers.Serializer):
    enterprise = EnterpriseRefField()
    balance = serializers.DecimalField(max_digits=14, decimal_places=2)
    entries = BalanceEntrySerializer(many=True)


class AllocationSerializer(serializers.ModelSerializer):
    bill = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = PaymentAllocation
        fields = ["bill", "amount"]


@extend_schema_serializer(examples=[answer_example(_lazy("一笔已核销的银行收款"), PAYMENT)])
class PaymentSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseRefField(read_only=True)
    allocations = AllocationSerializer(many=True, read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "enterprise",
            "reference",
            "amount",
            "received_on",
            "payer_name",
            "note",
            "allocations",
            "created_at",
        ]
        read_only_fields = fields


@extend_schema_serializer(
    examples=[
        request_example(
            _lazy("登记银行收款并核销二月账单"),
            {
                "enterprise": "ZLJM",
                "reference": "BOC20260310000123",
                "amount": "1482.94",
                "received_on": "2026-03-10",
                "bills": [12],
                "payer_name": "苏州智联精密机械有限公司",
                "note": "",
            },
        )
    ]
)
class PaymentCreateSerializer(serializers.Serializer):
    enterprise = TextField(help_text=_lazy("企业代码"))
    reference = TextField(max_length=64, help_text=_lazy("银行流水号"))
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    received_on = serializers.DateField()
    bills = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text=_lazy("核销的账单 ID；省略则按到期日先后核销未结清账单"),
    )
    payer_name = TextField(required=False, allow_blank=True)
    note = TextField(required=False, allow_blank=True)


@extend_schema_serializer(examples=[answer_example(_lazy("一份增值税专用发票申请"), INVOICE_REQUEST)])
class InvoiceRequestSerializer(serializers.ModelSerializer):
    enterprise = EnterpriseRefField(read_only=True)
    bill = serializers.SlugRelatedField(slug_field="number", read_only=True)
    invoice_type_label = serializers.CharField(source="get_invoice_type_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    has_file = serializers.SerializerMethodField()

    class Meta:
        model = InvoiceRequest
        fields = [
            "id",
            "enterprise",
            "bill",
            "invoice_type",
            "invoice_type_label",
            "title",
            "taxpayer_number",
            "address",
            "phone",
            "bank_name",
            "bank_account",
            "amount",
            "status",
            "status_label",
            "invoice_number",
            "invoice_date",
            "has_file",
            "reject_reason",
            "created_at",
            "handled_at",
        ]
        read_only_fields = fields

    def get_has_file(self, obj) -> bool:
        return bool(obj.invoice_file)


@extend_schema_serializer(
    examples=[
        request_example(
            _lazy("申请增值税专用发票"),
            {
                "bill": 12,
                "invoice_type": "special",
                "title": "苏州智联精密机械有限公司",
                "taxpayer_number": "91320594MA1XKL7K3B",
                "address": "苏州工业园区星湖街 328 号",
                "phone": "0512-62880001",
                "bank_name": "中国银行苏州工业园区支行",
                "bank_account": "5312 6800 1234",
            },
        )
    ]
)
class InvoiceRequestCreateSerializer(serializers.Serializer):
    bill = serializers.IntegerField(help_text=_lazy("账单 ID"))
    invoice_type = serializers.ChoiceField(choices=InvoiceType.choices)
    title = TextField(max_length=200)
    taxpayer_number = TextField(max_length=18)
    address = TextField(required=False, allow_blank=True, max_length=200)
    phone = TextField(required=False, allow_blank=True, max_length=30)
    bank_name = TextField(required=False, allow_blank=True, max_length=200)
    bank_account = TextField(required=False, allow_blank=True, max_length=64)


@extend_schema_serializer(
    examples=[
        request_example(
            _lazy("上传开具的发票"),
            {
                "invoice_number": "24322000000012345678",
                "invoice_date": "2026-03-18",
                "invoice_file": "发票.pdf",
            },
            media_type="multipart/form-data",
        )
    ]
)
class InvoiceIssueSerializer(serializers.Serializer):
    invoice_number = TextField(max_length=32)
    invoice_date = serializers.DateField()
    invoice_file = serializers.FileField()


@extend_schema_serializer(
    examples=[
        request_example(_lazy("驳回原因"), {"reason": "纳税人识别号与发票抬头不一致，请核对后重新申请"})
    ]
)
class RejectSerializer(serializers.Serializer):
    reason = TextField()
