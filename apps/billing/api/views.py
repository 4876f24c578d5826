"""REST API: /api/v1/billing/ on the park domain and on enterprise domains.

Enterprise domain: that enterprise's billing, for its administrators and 财务 members only
(other members get 403, other enterprises' members are stopped by IsTenantMember). Park domain:
the park's readers (admin, finance, auditor) see every enterprise; enterprise admin/finance
users see their own enterprises' issued bills; writes by park admin/finance only, through
apps.billing.services like every other door.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from apps.billing import rendering, selectors, services
from apps.billing.api.serializers import (
    BalanceSerializer,
    BillDetailSerializer,
    BillingRunCreateSerializer,
    BillingRunSerializer,
    BillSerializer,
    CreditNoteCreateSerializer,
    InvoiceIssueSerializer,
    InvoiceRequestCreateSerializer,
    InvoiceRequestSerializer,
    PaymentCreateSerializer,
    PaymentSerializer,
    PriceListSerializer,
    RejectSerializer,
    UsageSerializer,
)
from apps.billing.choices import BillKind, BillStatus, InvoiceRequestStatus, PaymentState, RunState
from apps.billing.models import Bill, BillingRun, InvoiceRequest, Payment, PriceList
from apps.billing.periods import parse_period
from apps.billing.permissions import (
    can_manage_billing,
    can_read_enterprise_billing,
    can_read_park_billing,
    enterprise_ids_readable_by,
)
from apps.core.api import ERROR_RESPONSES, ErrorSerializer, FilterSet
from apps.tenants.selectors import current_enterprise


def _refused(code: str):
    return OpenApiResponse(response=ErrorSerializer, description=ERROR_RESPONSES[code])


def _choice_param(params, name: str, choices) -> str | None:
    """A filter that is sent filters: an empty or unknown value is refused (400), not ignored."""
    if name not in params:
        return None
    value = params.get(name)
    if value not in choices:
        raise ValidationError({name: [_("可选值：%(values)s") % {"values": ", ".join(choices)}]})
    return value


def _period_param(params) -> object | None:
    if "period" not in params:
        return None
    period = parse_period(params.get("period", ""))
    if period is None:
        raise ValidationError({"period": [_("账期格式应为 YYYY-MM")]})
    return period


class BillingAPIMixin:
    lookup_value_regex = r"[0-9]+"  # ids are integers: /bills/false/issue/ is a 404, not a 500

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        from apps.core.middleware import bind_user

        bind_user(request)
        tenant = current_enterprise()
        # On an enterprise domain only its administrators and finance members see billing.
        if tenant is not None and not can_read_enterprise_billing(request.user, tenant):
            raise PermissionDenied(_("只有企业管理员或财务可以查看计费信息"))
        if tenant is None and not (
            can_read_park_billing(request.user) or enterprise_ids_readable_by(request.user)
        ):
            raise PermissionDenied(_("无权查看计费信息"))

    def scope_enterprise(self):
        """The enterprise of this domain, or None on the park domain."""
        return current_enterprise()

    def require_manager(self, request):
        if self.scope_enterprise() is not None or not can_manage_billing(request.user):
            raise PermissionDenied(_("只有园区管理员或财务人员可以管理计费"))


class PriceListFilter(FilterSet):
    name = filters.CharFilter(lookup_expr="icontains", label=_lazy("名称"))

    class Meta:
        model = PriceList
        fields = ["name"]


@extend_schema_view(
    list=extend_schema(summary=_lazy("资费标准列表")), retrieve=extend_schema(summary=_lazy("资费标准详情"))
)
class PriceListViewSet(BillingAPIMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PriceListSerializer
    filterset_class = PriceListFilter
    queryset = PriceList.objects.none()

    def get_queryset(self):
        return selectors.price_list_list()

    @extend_schema(
        summary=_lazy("当前生效的资费标准"), responses={200: PriceListSerializer, 404: _refused("404")}
    )
    @action(detail=False, methods=["get"])
    def current(self, request):
        price_list = selectors.price_list_current()
        if price_list is None:
            raise NotFound(_("尚未设置资费标准"))
        return Response(self.get_serializer(price_list).data)


def _enterprise_param(request, view):
    """The enterprise the request is about: this domain's, or ``?enterprise=<code>`` on the park
    domain (one the caller may read; any other is 404, as if it did not exist)."""
    from apps.tenants.models import Enterprise

    enterprise = view.scope_enterprise()
    if enterprise is not None:
        return enterprise
    code = (request.query_params.get("enterprise") or "").strip()
    if not code:
        raise ValidationError({"enterprise": [_("请指定企业代码")]})
    enterprise = Enterprise.objects.filter(code__iexact=code, is_park_operator=False).first()
    if enterprise is None or not can_read_enterprise_billing(request.user, enterprise):
        raise NotFound(_("企业不存在"))
    return enterprise


class BalanceView(BillingAPIMixin, APIView):
    @extend_schema(
        summary=_lazy("企业预存款余额与明细"),
        parameters=[
            OpenApiParameter("enterprise", OpenApiTypes.STR, description=_lazy("企业代码（园区域名下必填）"))
        ],
        responses={200: BalanceSerializer, 404: _refused("404")},
    )
    def get(self, request):
        enterprise = _enterprise_param(request, self)
        data = {
            "enterprise": enterprise,
            "balance": selectors.enterprise_balance(enterprise),
            "entries": selectors.balance_entries(enterprise=enterprise)[:100],
        }
        return Response(BalanceSerializer(data).data)


class UsageView(BillingAPIMixin, APIView):
    @extend_schema(
        summary=_lazy("企业用量与额度"),
        parameters=[
            OpenApiParameter("period", OpenApiTypes.STR, description=_lazy("账期，如 2026-03；默认本月至今")),
            OpenApiParameter("enterprise", OpenApiTypes.STR, description=_lazy("企业代码（园区域名下必填）")),
        ],
        responses={200: UsageSerializer, 404: _refused("404")},
    )
    def get(self, request):
        enterprise = _enterprise_param(request, self)
        period = _period_param(request.query_params)
        usage = selectors.enterprise_usage(enterprise=enterprise, period=period)
        data = {
            "enterprise": enterprise,
            "period": usage["period"],
            "as_of": usage["as_of"],
            "plan": usage["plan"].name if usage["plan"] else None,
            "rows": usage["rows"],
        }
        return Response(UsageSerializer(data).data)


class PdfRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf``; the PDF itself is an HttpResponse."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


@extend_schema_view(
    list=extend_schema(
        summary=_lazy("账单列表"),
        parameters=[
            OpenApiParameter("period", OpenApiTypes.STR, description=_lazy("账期，如 2026-03")),
            OpenApiParameter("status", OpenApiTypes.STR, enum=BillStatus.values, description=_lazy("状态")),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=BillKind.values, description=_lazy("类型")),
            OpenApiParameter(
                "payment_state", OpenApiTypes.STR, enum=PaymentState.values, description=_lazy("付款状态")
            ),
            OpenApiParameter("enterprise", OpenApiTypes.STR, description=_lazy("企业代码")),
            OpenApiParameter("q", OpenApiTypes.STR, description=_lazy("账单编号或企业名称")),
        ],
    ),
    retrieve=extend_schema(summary=_lazy("账单详情（含明细）"), responses=BillDetailSerializer),
)
class BillViewSet(BillingAPIMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = BillSerializer
    queryset = Bill.objects.none()

    def get_serializer_class(self):
        return BillDetailSerializer if self.action != "list" else BillSerializer

    def get_queryset(self):
        params = self.request.query_params
        enterprise = self.scope_enterprise()
        bills = selectors.bill_list(
            user=self.request.user,
            enterprise=enterprise,
            period=_period_param(params),
            status=_choice_param(params, "status", BillStatus.values),
            kind=_choice_param(params, "kind", BillKind.values),
            payment_state=_choice_param(params, "payment_state", PaymentState.values),
            q=params.get("q") or None,
        )
        if enterprise is not None:
            # an enterprise domain shows that enterprise's issued bills, whoever else the user is
            bills = bills.filter(status="issued")
        elif params.get("enterprise"):
            bills = bills.filter(enterprise__code__iexact=params["enterprise"])
        if self.action != "list":
            bills = bills.prefetch_related("lines", "credit_notes")
        return bills

    def finalize_response(self, request, response, *args, **kwargs):
        # an error asked for as PDF still answers in the one error shape, as JSON
        if isinstance(response, Response) and isinstance(
            getattr(request, "accepted_renderer", None), PdfRenderer
        ):
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        summary=_lazy("下载账单 PDF"),
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description=_lazy("账单 PDF")),
            404: _refused("404"),
            503: OpenApiResponse(ErrorSerializer, description=_lazy("未安装中文字体，无法生成 PDF")),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, PdfRenderer],
    )
    def pdf(self, request, pk=None):
        """The bill as the page downloads it: the same PDF, the same bills visible (an
        enterprise never sees a draft or another enterprise's bill)."""
        if request.query_params.get(api_settings.URL_FORMAT_OVERRIDE) == "":
            # DRF ignores an empty ?format=, which the schema's enum (json, pdf) does not allow:
            # refuse it as DRF refuses a format it has no renderer for.
            raise NotFound()
        bill = self.get_object()
        response = HttpResponse(rendering.bill_pdf(bill), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{rendering.bill_pdf_filename(bill)}"'
        return response

    def _bill_for_write(self, request, pk) -> Bill:
        self.require_manager(request)
        return get_object_or_404(Bill, pk=pk)

    @extend_schema(
        summary=_lazy("开出账单"), request=None, responses={200: BillDetailSerializer, 400: _refused("400")}
    )
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        bill = services.bill_issue(actor=request.user, bill=self._bill_for_write(request, pk))
        return Response(BillDetailSerializer(selectors.bill_get(user=request.user, pk=bill.pk)).data)

    @extend_schema(
        summary=_lazy("重新生成草稿账单"),
        request=None,
        responses={200: BillDetailSerializer, 400: _refused("400")},
    )
    @action(detail=True, methods=["post"])
    def regenerate(self, request, pk=None):
        bill = services.bill_regenerate(actor=request.user, bill=self._bill_for_write(request, pk))
        return Response(BillDetailSerializer(selectors.bill_get(user=request.user, pk=bill.pk)).data)

    @extend_schema(
        summary=_lazy("红冲账单"), request=CreditNoteCreateSerializer, responses={201: BillDetailSerializer}
    )
    @action(detail=True, methods=["post"], url_path="credit-note")
    def credit_note(self, request, pk=None):
        bill = self._bill_for_write(request, pk)
        data = CreditNoteCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.credit_note_create(
            actor=request.user,
            bill=bill,
            reason=data.validated_data["reason"],
            lines=data.validated_data.get("lines"),
        )
        return Response(
            BillDetailSerializer(selectors.bill_get(user=request.user, pk=note.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class BillingRunFilter(FilterSet):
    state = filters.ChoiceFilter(choices=RunState.choices, label=_lazy("状态"))

    class Meta:
        model = BillingRun
        fields = ["state"]


@extend_schema_view(
    list=extend_schema(summary=_lazy("计费批次列表")), retrieve=extend_schema(summary=_lazy("计费批次"))
)
class BillingRunViewSet(BillingAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = BillingRunSerializer
    filterset_class = BillingRunFilter
    queryset = BillingRun.objects.none()

    def get_queryset(self):
        if self.scope_enterprise() is not None or not can_read_park_billing(self.request.user):
            return BillingRun.objects.none()
        return selectors.billing_run_list()

    @extend_schema(
        summary=_lazy("按月计费（后台任务）"),
        request=BillingRunCreateSerializer,
        responses={202: BillingRunSerializer},
    )
    def create(self, request):
        self.require_manager(request)
        data = BillingRunCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.billing_run_start(
            actor=request.user, period=parse_period(data.validated_data["period"])
        )
        return Response(BillingRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    list=extend_schema(
        summary=_lazy("收款记录"),
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, description=_lazy("流水号或企业名称"))],
    ),
    retrieve=extend_schema(summary=_lazy("收款详情")),
)
class PaymentViewSet(BillingAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PaymentSerializer
    queryset = Payment.objects.none()

    def get_queryset(self):
        return selectors.payment_list(
            user=self.request.user, enterprise=self.scope_enterprise(), q=self.request.query_params.get("q")
        )

    @extend_schema(
        summary=_lazy("登记收款（园区财务）"),
        request=PaymentCreateSerializer,
        responses={201: PaymentSerializer},
    )
    def create(self, request):
        from apps.tenants.models import Enterprise

        self.require_manager(request)
        data = PaymentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        enterprise = Enterprise.objects.filter(
            code__iexact=values["enterprise"], is_park_operator=False
        ).first()
        if enterprise is None:
            raise ValidationError({"enterprise": [_("企业不存在")]})
        bills = None
        if values.get("bills"):
            bills = list(Bill.objects.filter(pk__in=values["bills"]))
            if len(bills) != len(set(values["bills"])):
                raise ValidationError({"bills": [_("账单不存在")]})
        payment = services.payment_record(
            actor=request.user,
            enterprise=enterprise,
            reference=values["reference"],
            amount=values["amount"],
            received_on=values["received_on"],
            bills=bills,
            payer_name=values.get("payer_name", ""),
            note=values.get("note", ""),
        )
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary=_lazy("开票申请列表"),
        parameters=[
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=InvoiceRequestStatus.values, description=_lazy("状态")
            )
        ],
    ),
    retrieve=extend_schema(summary=_lazy("开票申请详情")),
)
class InvoiceRequestViewSet(BillingAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = InvoiceRequestSerializer
    queryset = InvoiceRequest.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.invoice_request_list(
            user=self.request.user,
            enterprise=self.scope_enterprise(),
            status=_choice_param(self.request.query_params, "status", InvoiceRequestStatus.values),
        )

    @extend_schema(
        summary=_lazy("申请开票（企业管理员或财务）"),
        request=InvoiceRequestCreateSerializer,
        responses={201: InvoiceRequestSerializer},
    )
    def create(self, request):
        data = InvoiceRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        bills = selectors.bills_visible_to(request.user).filter(kind="bill")
        enterprise = self.scope_enterprise()
        if enterprise is not None:
            bills = bills.filter(enterprise=enterprise)
        bill = bills.filter(pk=values.pop("bill")).select_related("enterprise").first()
        if bill is None:
            raise ValidationError({"bill": [_("账单不存在")]})
        invoice_request = services.invoice_request_create(actor=request.user, bill=bill, **values)
        return Response(InvoiceRequestSerializer(invoice_request).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_lazy("登记已开具的发票（园区财务）"),
        request={"multipart/form-data": InvoiceIssueSerializer},
        responses=InvoiceRequestSerializer,
    )
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        self.require_manager(request)
        invoice_request = get_object_or_404(InvoiceRequest, pk=pk)
        data = InvoiceIssueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invoice_request = services.invoice_request_issue(
            actor=request.user, invoice_request=invoice_request, **data.validated_data
        )
        return Response(InvoiceRequestSerializer(invoice_request).data)

    @extend_schema(
        summary=_lazy("驳回开票申请（园区财务）"),
        request=RejectSerializer,
        responses=InvoiceRequestSerializer,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        self.require_manager(request)
        invoice_request = get_object_or_404(InvoiceRequest, pk=pk)
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invoice_request = services.invoice_request_reject(
            actor=request.user, invoice_request=invoice_request, reason=data.validated_data["reason"]
        )
        return Response(InvoiceRequestSerializer(invoice_request).data)
