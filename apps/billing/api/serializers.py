from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy
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
from apps.core.api import TextField


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


class BillDetailSerializer(BillSerializer):
    lines = BillLineSerializer(many=True, read_only=True)
    credit_notes = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta(BillSerializer.Meta):
        fields = [*BillSerializer.Meta.fields, "reason", "usage", "usage_as_of", "lines", "credit_notes"]
        read_only_fields = fields


class CreditLineSerializer(serializers.Serializer):
    description = TextField(required=False, allow_blank=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text=_lazy("不含税红冲金额"))


class CreditNoteCreateSerializer(serializers.Serializer):
    reason = TextField(help_text=_lazy("红冲原因"))
    lines = CreditLineSerializer(many=True, required=False, help_text=_lazy("省略则全额红冲"))


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


class BalanceSerializer(serializers.Serializer):
    enterprise = EnterpriseRefField()
    balance = serializers.DecimalField(max_digits=14, decimal_places=2)
    entries = BalanceEntrySerializer(many=True)


class AllocationSerializer(serializers.ModelSerializer):
    bill = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = PaymentAllocation
        fields = ["bill", "amount"]


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


class InvoiceRequestCreateSerializer(serializers.Serializer):
    bill = serializers.IntegerField(help_text=_lazy("账单 ID"))
    invoice_type = serializers.ChoiceField(choices=InvoiceType.choices)
    title = TextField(max_length=200)
    taxpayer_number = TextField(max_length=18)
    address = TextField(required=False, allow_blank=True, max_length=200)
    phone = TextField(required=False, allow_blank=True, max_length=30)
    bank_name = TextField(required=False, allow_blank=True, max_length=200)
    bank_account = TextField(required=False, allow_blank=True, max_length=64)


class InvoiceIssueSerializer(serializers.Serializer):
    invoice_number = TextField(max_length=32)
    invoice_date = serializers.DateField()
    invoice_file = serializers.FileField()


class RejectSerializer(serializers.Serializer):
    reason = TextField()
