"""REST API: /api/v1/bid/. Enterprise domain: its BIDs (list, detail with keys and document),
mapping the enterprise or objects (one, a batch), the signing payload, the holder-signed update,
rotation and deactivation, lookup by handle or BID. Both domains: BIDAuth challenge and verify
(anonymous: the signature is the credential; rate limited and audited). Park domain: the
overview (AC code, the park's own BID and document, BIDs by enterprise and type) for park staff.
Everything goes through apps.bid.services / auth / selectors."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated, NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.bid import auth, documents, selectors, services
from apps.bid.api.serializers import (
    BidBatchIssuedSerializer,
    BidBatchSerializer,
    BidChallengeAnswerSerializer,
    BidChallengeSerializer,
    BidDeactivateSerializer,
    BidDetailSerializer,
    BidIssuedSerializer,
    BidMapSerializer,
    BidOverviewSerializer,
    BidPreparedSerializer,
    BidPrepareSerializer,
    BidRotateSerializer,
    BidSerializer,
    BidTemplateSettingSerializer,
    BidUpdateSerializer,
    BidVerifiedSerializer,
    BidVerifySerializer,
)
from apps.bid.choices import BidOperation, BidSubject
from apps.core.api import ERROR_RESPONSES, ErrorSerializer
from apps.core.clients import client_address
from apps.tenants.selectors import current_enterprise

PARK_STAFF = ("park_admin", "park_operator", "park_auditor")
DID = "did:bid:zf2AoXhJsmr1aaUMxhnKeMAX42G9Ck526"
KEY = (
    "b07a6604fa7979b3a51504f0b9490145a8349f2e7b14de9a2ba9f5a1b1805fc11713b85032411e3618dafac2530768"
    "5f928064bb8157e4aab396e106dec40c465b4407ae"
)
DOCUMENT = {
    "@context": ["https://www.w3.org/ns/did/v1"],
    "id": DID,
    "alsoKnownAs": ["hdl:88.101.alpha/TH00000001"],
    "verificationMethod": [{"id": f"{DID}#key-1", "type": "SM2", "controller": DID, "publicKeyHex": KEY}],
    "authentication": [f"{DID}#key-1"],
    "service": [
        {
            "id": f"{DID}#resolver",
            "type": "DIDResolver",
            "serviceEndpoint": "https://park.example/1.0/identifiers/",
        }
    ],
    "version": "1.0.0",
    "publicKey": [{"id": f"{DID}#key-1", "type": "SM2", "controller": DID, "publicKeyHex": KEY}],
    "extension": {"type": 104, "ttl": 86400, "attributes": [{"key": "name", "value": "温湿度终端1"}]},
    "created": "2026-03-18T02:00:00Z",
    "updated": "2026-03-18T02:00:00Z",
    "proof": {
        "type": "SM2Signature",
        "creator": "did:bid:zfEBagn9yS9d8VNb5cYd62CtzC97sFUs#key-1",
        "created": "2026-03-18T02:00:00Z",
        "signatureValue": "5e2a…",
    },
}
BID_ROW = {
    "id": 7,
    "did": DID,
    "subject": "identifier",
    "state": "active",
    "key_type": "sm2",
    "ac_code": "",
    "version": 1,
    "handle": "88.101.alpha/TH00000001",
    "created_at": "2026-03-18T10:00:00+08:00",
    "deactivated_at": None,
}
KEY_ROW = {
    "number": 1,
    "key_type": "sm2",
    "public_key": KEY,
    "created_at": "2026-03-18T10:00:00+08:00",
    "revoked_at": None,
}
DETAIL = {**BID_ROW, "keys": [KEY_ROW], "document": DOCUMENT}
SIGNATURE = "a" * 128


def _example(name, value, *, request=False, code="200"):
    if request:
        return OpenApiExample(name, value=value, request_only=True)
    return OpenApiExample(name, value=value, response_only=True, status_codes=[code])


def _refused(code: str, description=None):
    return OpenApiResponse(response=ErrorSerializer, description=description or ERROR_RESPONSES[code])


def _row(bid) -> dict:
    return {
        "id": bid.pk,
        "did": bid.did,
        "subject": bid.subject,
        "state": bid.state,
        "key_type": bid.key_type,
        "ac_code": bid.ac_code,
        "version": bid.version,
        "handle": bid.identifier.handle if bid.identifier_id else None,
        "created_at": bid.created_at,
        "deactivated_at": bid.deactivated_at,
    }


def _detail(bid) -> dict:
    return {**_row(bid), "keys": list(selectors.bid_keys(bid).values()), "document": bid.document}


def _issued(issued, code=status.HTTP_201_CREATED) -> Response:
    response = Response(
        BidIssuedSerializer({"bid": _detail(issued.bid), "private_key": issued.private_key}).data, status=code
    )
    if issued.private_key:
        response["Cache-Control"] = "no-store"  # the generated private key: this answer only
    return response


def _client(request) -> str:
    return client_address(request) or ""


class EnterpriseMixin:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        from apps.core.middleware import bind_user

        bind_user(request)
        if current_enterprise() is None:
            raise NotFound(_("企业的 BID 在企业域名下管理"))

    def enterprise(self):
        return current_enterprise()

    def require_writer(self):
        if not services.may_manage(self.request.user, self.enterprise()):
            raise PermissionDenied(_("只有本企业成员可以管理本企业的 BID"))

    def bid(self, pk):
        bid = selectors.bid_get(self.enterprise(), pk)
        if bid is None:
            raise NotFound()
        return bid


class BidListView(EnterpriseMixin, APIView):
    @extend_schema(
        summary=_lazy("本企业的 BID"),
        responses={200: BidSerializer(many=True)},
        examples=[_example(_lazy("一个标识对象的 BID"), BID_ROW)],
    )
    def get(self, request):
        return Response(
            BidSerializer([_row(b) for b in selectors.bids_for(self.enterprise())], many=True).data
        )

    @extend_schema(
        summary=_lazy("映射企业或标识对象为 BID（上传公钥或由门户生成）"),
        request=BidMapSerializer,
        responses={201: BidIssuedSerializer, 400: _refused("400"), 403: _refused("403")},
        examples=[
            _example(_lazy("标识对象，门户生成 SM2 密钥"), {"subject": "identifier", "handle": "88.101.alpha/TH00000001", "generate": "sm2"}, request=True),
            _example(_lazy("企业，上传 BIF 编码公钥"), {"subject": "enterprise", "public_key": KEY}, request=True),
            _example(_lazy("已映射（私钥只在此返回一次）"), {"bid": DETAIL, "private_key": "priSrrk31MhNGEGAmnmZPH5K8fnuqTKLuLMvWd6E7TEdEjWkcQ"}, code="201"),
        ],
    )  # fmt: skip
    def post(self, request):
        self.require_writer()
        serializer = BidMapSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        key_args = {"public_key": data.get("public_key") or None, "key_type": data.get("generate") or None}
        if data["subject"] == BidSubject.ENTERPRISE:
            issued = services.bid_map_enterprise(actor=request.user, enterprise=self.enterprise(), **key_args)
        else:
            identifier = _own_identifier(self.enterprise(), data.get("handle"))
            issued = services.bid_map_identifier(
                actor=request.user,
                identifier=identifier,
                use_terminal_key=data["use_terminal_key"],
                **key_args,
            )
        return _issued(issued)


def _own_identifier(enterprise, handle):
    from apps.identifiers.models import Identifier

    handle = (handle or "").strip()
    if not handle:
        raise ValidationError({"handle": [_("请填写要映射的标识")]})
    identifier = (
        Identifier.objects.select_related("enterprise", "prefix")
        .filter(enterprise=enterprise, handle_ci=handle.lower())
        .first()
    )
    if identifier is None:
        raise ValidationError({"handle": [_("本企业没有这个标识")]})
    return identifier


class BidBatchView(EnterpriseMixin, APIView):
    @extend_schema(
        summary=_lazy("批量映射标识对象（门户生成密钥，全部成功或全部不做）"),
        request=BidBatchSerializer,
        responses={201: BidBatchIssuedSerializer, 400: _refused("400"), 403: _refused("403")},
        examples=[
            _example(_lazy("两个标识"), {"handles": ["88.101.alpha/TH00000001", "88.101.alpha/TH00000002"], "generate": "sm2"}, request=True),
            _example(_lazy("已映射"), {"issued": [{"bid": DETAIL, "private_key": "priSrrk31MhNGEGAmnmZPH5K8fnuqTKLuLMvWd6E7TEdEjWkcQ"}]}, code="201"),
        ],
    )  # fmt: skip
    def post(self, request):
        self.require_writer()
        serializer = BidBatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        identifiers = [_own_identifier(self.enterprise(), h) for h in data["handles"]]
        issued = services.bid_map_batch(
            actor=request.user,
            enterprise=self.enterprise(),
            identifiers=identifiers,
            key_type=data["generate"],
        )
        body = BidBatchIssuedSerializer(
            {"issued": [{"bid": _detail(i.bid), "private_key": i.private_key} for i in issued]}
        ).data
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response


class BidDetailView(EnterpriseMixin, APIView):
    @extend_schema(
        summary=_lazy("BID 详情：密钥与文档"),
        responses={200: BidDetailSerializer, 404: _refused("404")},
        examples=[_example(_lazy("有效的 BID"), DETAIL)],
    )
    def get(self, request, id=None):
        return Response(BidDetailSerializer(_detail(self.bid(id))).data)


class BidPrepareView(EnterpriseMixin, APIView):
    @extend_schema(
        summary=_lazy("持有者待签名的载荷（更新、轮换或停用）"),
        description=_lazy(
            "载荷为规范 JSON（键排序、无空格、UTF-8）：{bid, version, operation, …}；"
            "持有者用 BID 当前密钥签名（SM2 为 r‖s 十六进制，Ed25519 为 64 字节十六进制）。"
        ),
        request=BidPrepareSerializer,
        responses={200: BidPreparedSerializer, 400: _refused("400"), 404: _refused("404")},
        examples=[
            _example(_lazy("停用"), {"operation": "deactivate", "reason": "设备报废"}, request=True),
            _example(
                _lazy("待签名载荷"),
                {
                    "operation": "deactivate",
                    "version": 2,
                    "payload": f'{{"bid":"{DID}","operation":"deactivate","reason":"设备报废","version":2}}',
                    "payload_hex": "7b22626964223a…",
                },
            ),
        ],
    )
    def post(self, request, id=None):
        bid = self.bid(id)
        serializer = BidPrepareSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        operation = data["operation"]
        if operation == BidOperation.UPDATE:
            body = {"services": services.clean_services([dict(s) for s in data.get("services", [])])}
        elif operation == BidOperation.ROTATE:
            body = services.rotation_body(data.get("public_key"), data.get("generate"))
        else:
            body = {"reason": (data.get("reason") or "").strip()}
        payload = services.signing_payload(bid, operation, body)
        return Response(
            BidPreparedSerializer(
                {
                    "operation": operation,
                    "version": bid.version + 1,
                    "payload": payload.decode(),
                    "payload_hex": payload.hex(),
                }
            ).data
        )


class BidUpdateView(EnterpriseMixin, APIView):
    @extend_schema(
        summary=_lazy("更新持有者声明的服务（须持有者签名）"),
        request=BidUpdateSerializer,
        responses={200: BidDetailSerializer, 400: _refused("400"), 403: _refused("403"), 404: _refused("404")},
        examples=[
            _example(_lazy("声明一个服务"), {"services": [{"id": "#telemetry", "type": "TelemetryService", "serviceEndpoint": "https://alpha.example/telemetry"}], "signature": SIGNATURE}, request=True),
            _example(_lazy("已更新"), {**DETAIL, "version": 2}),
        ],
    )  # fmt: skip
    def post(self, request, id=None):
        bid = self.bid(id)
        serializer = BidUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        bid = services.bid_update(
            actor=request.user,
            bid=bid,
            services=[dict(s) for s in data["services"]],
            signature=data["signature"],
        )
        return Response(BidDetailSerializer(_detail(bid)).data)


class BidRotateView(EnterpriseMixin, APIView):
    @extend_schema(
        summary=_lazy("轮换密钥（须旧密钥签名；旧密钥列为已作废）"),
        request=BidRotateSerializer,
        responses={
            201: BidIssuedSerializer,
            400: _refused("400"),
            403: _refused("403"),
            404: _refused("404"),
        },
        examples=[
            _example(_lazy("由门户生成新密钥"), {"generate": "sm2", "signature": SIGNATURE}, request=True),
            _example(_lazy("已轮换"), {"bid": {**DETAIL, "version": 2}, "private_key": None}, code="201"),
        ],
    )
    def post(self, request, id=None):
        bid = self.bid(id)
        serializer = BidRotateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        issued = services.bid_rotate(
            actor=request.user,
            bid=bid,
            signature=data["signature"],
            public_key=data.get("public_key") or None,
            key_type=data.get("generate") or None,
        )
        return _issued(issued)


class BidDeactivateView(EnterpriseMixin, APIView):
    @extend_schema(
        summary=_lazy("停用 BID（须持有者签名；仍可解析，标为已停用）"),
        request=BidDeactivateSerializer,
        responses={200: BidDetailSerializer, 400: _refused("400"), 403: _refused("403"), 404: _refused("404")},
        examples=[
            _example(_lazy("设备报废"), {"reason": "设备报废", "signature": SIGNATURE}, request=True),
            _example(_lazy("已停用"), {**DETAIL, "state": "deactivated", "version": 2, "deactivated_at": "2026-03-18T11:00:00+08:00"}),
        ],
    )  # fmt: skip
    def post(self, request, id=None):
        bid = self.bid(id)
        serializer = BidDeactivateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        bid = services.bid_deactivate(
            actor=request.user, bid=bid, reason=data["reason"], signature=data["signature"]
        )
        return Response(BidDetailSerializer(_detail(bid)).data)


class BidLookupView(EnterpriseMixin, APIView):
    @extend_schema(
        summary=_lazy("按标识查 BID，或按 BID 查标识（本企业的）"),
        parameters=[
            OpenApiParameter("handle", str, description=_lazy("Handle 标识")),
            OpenApiParameter("did", str, description=_lazy("BID")),
        ],
        responses={200: BidSerializer, 400: _refused("400"), 404: _refused("404")},
        examples=[_example(_lazy("找到"), BID_ROW)],
    )
    def get(self, request):
        handle, did = request.query_params.get("handle"), request.query_params.get("did")
        if not handle and not did:
            raise ValidationError({"handle": [_("请提供 handle 或 did")]})
        bid = selectors.bid_lookup(did=did, handle=handle)
        if bid is None or bid.enterprise_id != self.enterprise().pk:
            raise NotFound()
        return Response(BidSerializer(_row(bid)).data)


# ---------------------------------------------------------------- BIDAuth (both domains)
class ChallengeView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary=_lazy("BIDAuth：取随机码（一次有效，60 秒）"),
        request=BidChallengeSerializer,
        responses={
            200: BidChallengeAnswerSerializer,
            400: _refused("400"),
            404: _refused("404", _lazy("BID 未在本节点登记（unknown_bid）")),
            429: _refused("400", _lazy("请求过于频繁（rate_limited）")),
        },
        examples=[
            _example(_lazy("一个 BID"), {"bid": DID}, request=True),
            _example(_lazy("随机码"), {"bid": DID, "randomCode": "9f86d081884c7d659a2feaa0c55ad015", "expiresIn": 60, "expiresAt": "2026-03-18T10:01:00+08:00"}),
        ],
    )  # fmt: skip
    def post(self, request):
        serializer = BidChallengeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answer = auth.challenge(did=serializer.validated_data["bid"], client=_client(request))
        return Response(BidChallengeAnswerSerializer(answer).data)


class VerifyView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary=_lazy("BIDAuth：验证钱包 signAuth 的结果"),
        description=_lazy(
            "拒绝时 code 为：invalid_did、invalid_public_key、unknown_bid、key_mismatch、key_revoked、"
            "bid_deactivated、code_unknown、code_used、code_expired、code_mismatch、bad_signature、rate_limited。"
        ),
        request=BidVerifySerializer,
        responses={
            200: BidVerifiedSerializer,
            400: _refused("400"),
            403: _refused("403", _lazy("签名无效、公钥不对应、密钥已作废或 BID 已停用")),
            404: _refused("404", _lazy("BID 未在本节点登记（unknown_bid）")),
            429: _refused("400", _lazy("请求过于频繁（rate_limited）")),
        },
        examples=[
            _example(_lazy("signAuth 的结果"), {"publicKey": KEY, "signData": SIGNATURE, "bid": DID, "randomCode": "9f86d081884c7d659a2feaa0c55ad015"}, request=True),
            _example(_lazy("验证通过"), {"bid": DID, "verified": True, "key": f"{DID}#key-1", "subject": "identifier"}),
        ],
    )  # fmt: skip
    def post(self, request):
        serializer = BidVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        verified = auth.verify(payload=dict(serializer.validated_data), client=_client(request))
        return Response(
            BidVerifiedSerializer(
                {
                    "bid": verified.bid.did,
                    "verified": True,
                    "key": f"{verified.bid.did}#key-{verified.key.number}",
                    "subject": verified.bid.subject,
                }
            ).data
        )


# ---------------------------------------------------------------- park domain
class OverviewView(APIView):
    @extend_schema(
        summary=_lazy("园区 BID 概况：AC 号、园区节点 BID 与文档、各企业和类型的 BID 数"),
        responses={200: BidOverviewSerializer, 403: _refused("403")},
        examples=[
            _example(
                _lazy("园区概况"),
                {
                    "ac_code": "",
                    "park_bid": "did:bid:zfEBagn9yS9d8VNb5cYd62CtzC97sFUs",
                    "park_document": DOCUMENT,
                    "total": 3,
                    "active": 3,
                    "deactivated": 0,
                    "by_enterprise": [
                        {"enterprise_name": "阿尔法科技", "enterprise_code": "alpha", "total": 3, "enterprise_bids": 1, "objects": 2, "active": 3}
                    ],
                    "by_subject": [{"subject": "identifier", "label": "标识对象", "count": 2}],
                    "by_key_type": [{"key_type": "sm2", "count": 3}],
                },
            )
        ],
    )  # fmt: skip
    def get(self, request):
        if current_enterprise() is not None:
            raise NotFound(_("园区的 BID 概况在园区域名下查看"))
        user = request.user
        if not user.is_authenticated:
            raise NotAuthenticated()
        if not (user.is_superuser or getattr(user, "park_role", "") in PARK_STAFF):
            raise PermissionDenied()
        park = selectors.park_bid()
        stats = selectors.park_statistics()
        return Response(
            BidOverviewSerializer(
                {
                    "ac_code": documents.ac_code(),
                    "park_bid": park.did,
                    "park_document": park.document,
                    **stats,
                }
            ).data
        )


TEMPLATE_SETTING_EXAMPLE = {
    "template": 12,
    "auto_map": True,
    "use_terminal_key": True,
    "inherited_from": None,
}


class BidTemplateView(APIView):
    """A template's BID setting, on the domain where the template is managed: the park's for shared
    templates (park administrators set them), an enterprise's for its own (its writing members).
    A template the caller cannot read is 404, as if it did not exist."""

    def template(self, request, pk: int):
        from apps.core.middleware import bind_user
        from apps.metadata.models import MetadataTemplate
        from apps.metadata.selectors import templates_readable_by

        bind_user(request)
        enterprise = current_enterprise()
        if enterprise is None:
            templates = templates_readable_by(request.user)
        else:  # IsTenantMember has let only the enterprise's members this far
            templates = MetadataTemplate.objects.filter(Q(owner__isnull=True) | Q(owner=enterprise))
        template = templates.filter(pk=pk).first()
        if template is None:
            raise NotFound()
        return template

    def answer(self, template) -> Response:
        setting = services.bid_template(template)
        body = {
            "template": template.pk,
            "auto_map": bool(setting and setting.auto_map),
            "use_terminal_key": bool(setting and setting.use_terminal_key),
            "inherited_from": setting.template_id if setting and setting.template_id != template.pk else None,
        }
        return Response(BidTemplateSettingSerializer(body).data)

    @extend_schema(
        summary=_lazy("模板的 BID 映射设置（本模板或最近的上级模板的）"),
        responses={200: BidTemplateSettingSerializer, 404: _refused("404")},
        examples=[_example(_lazy("模板的 BID 设置"), TEMPLATE_SETTING_EXAMPLE)],
    )
    def get(self, request, id: int):
        return self.answer(self.template(request, id))

    @extend_schema(
        summary=_lazy("设置模板的标识登记时是否映射 BID"),
        request=BidTemplateSettingSerializer,
        responses={
            200: BidTemplateSettingSerializer,
            400: _refused("400"),
            403: _refused("403"),
            404: _refused("404"),
        },
        examples=[
            _example(_lazy("设置"), {"auto_map": True, "use_terminal_key": True}, request=True),
            _example(_lazy("模板的 BID 设置"), TEMPLATE_SETTING_EXAMPLE),
        ],
    )
    def put(self, request, id: int):
        template = self.template(request, id)
        body = BidTemplateSettingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.bid_template_set(actor=request.user, template=template, **body.validated_data)
        return self.answer(template)
