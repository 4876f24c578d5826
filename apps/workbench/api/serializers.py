from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from apps.core.api import answer_example

RESOLUTIONS = {
    "window": "近 24 小时（03-17 11:00 至 03-18 10:00）",
    "hours": ["2026-03-18T08:00:00+08:00", "2026-03-18T09:00:00+08:00"],
    "counts": [118200, 120950],
    "total": 2490310,
    "not_found": 212,
    "not_found_percent": 0.01,
    "p50_ms": 2.1,
    "p99_ms": 9.8,
    "top_prefixes": [{"label": "88.101.ZLJM", "count": 1520400}, {"label": "88.101.HXDZ", "count": 802115}],
}
REGISTRATIONS = {
    "window": "近 30 天（2026-02-17 至 2026-03-18）",
    "days": ["2026-03-17", "2026-03-18"],
    "counts": [512, 230],
    "total": 182604,
    "this_month": 8650,
}


class TodoSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    url = serializers.CharField(help_text=_lazy("列出这些待办的页面地址"))


class LabelCountSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()

    def to_representation(self, instance):
        label, count = instance
        return {"label": str(label), "count": int(count)}


class RegistrationsSerializer(serializers.Serializer):
    window = serializers.CharField()
    days = serializers.ListField(child=serializers.DateField())
    counts = serializers.ListField(child=serializers.IntegerField())
    total = serializers.IntegerField()
    this_month = serializers.IntegerField()


class EnterpriseRegistrationsSerializer(RegistrationsSerializer):
    by_template = LabelCountSerializer(many=True)


class ResolutionsSerializer(serializers.Serializer):
    window = serializers.CharField()
    hours = serializers.ListField(child=serializers.DateTimeField())
    counts = serializers.ListField(child=serializers.IntegerField())
    total = serializers.IntegerField()
    not_found = serializers.IntegerField()
    not_found_percent = serializers.FloatField(allow_null=True)
    p50_ms = serializers.FloatField(allow_null=True)
    p99_ms = serializers.FloatField(allow_null=True)
    top_prefixes = LabelCountSerializer(many=True)


class SyncSerializer(serializers.Serializer):
    backlog = serializers.IntegerField()
    last_sent_at = serializers.DateTimeField(allow_null=True)
    oldest_pending_at = serializers.DateTimeField(allow_null=True)


class BuildCasesSerializer(serializers.Serializer):
    stages = LabelCountSerializer(many=True)
    completed = serializers.IntegerField()


class AuditSerializer(serializers.Serializer):
    at = serializers.DateTimeField(allow_null=True)
    ok = serializers.BooleanField()
    checked = serializers.IntegerField(allow_null=True)


class ParkFiguresSerializer(serializers.Serializer):
    enterprises = LabelCountSerializer(many=True)
    registrations = RegistrationsSerializer()
    resolutions = ResolutionsSerializer()
    sync = SyncSerializer()
    build_cases = BuildCasesSerializer()
    audit = AuditSerializer(allow_null=True)


@extend_schema_serializer(
    examples=[
        answer_example(
            _lazy("园区工作台"),
            {
                "todo": [
                    {
                        "key": "enterprise_applications",
                        "label": "待审核的入驻申请",
                        "count": 2,
                        "url": "/tenants/?status=applied",
                    }
                ],
                "figures": {
                    "enterprises": [{"label": "已申请", "count": 2}, {"label": "已开通", "count": 36}],
                    "registrations": REGISTRATIONS,
                    "resolutions": RESOLUTIONS,
                    "sync": {
                        "backlog": 120,
                        "last_sent_at": "2026-03-18T09:59:58+08:00",
                        "oldest_pending_at": "2026-03-18T09:59:15+08:00",
                    },
                    "build_cases": {
                        "stages": [{"label": "需求", "count": 1}, {"label": "建设", "count": 2}],
                        "completed": 3,
                    },
                    "audit": {"at": "2026-03-18T03:00:00+08:00", "ok": True, "checked": 412030},
                },
            },
        )
    ]
)
class ParkWorkbenchSerializer(serializers.Serializer):
    todo = TodoSerializer(many=True)
    figures = ParkFiguresSerializer()


class ImportProgressSerializer(serializers.Serializer):
    pk = serializers.IntegerField()
    name = serializers.CharField()
    state = serializers.CharField()
    progress = serializers.IntegerField()


class PrefixStateSerializer(serializers.Serializer):
    prefix = serializers.CharField()
    status = serializers.CharField()
    upstream_status = serializers.CharField()
    upstream_message = serializers.CharField()


class MembersSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    admins = serializers.IntegerField()


class EnterpriseFiguresSerializer(serializers.Serializer):
    registrations = EnterpriseRegistrationsSerializer()
    resolutions = ResolutionsSerializer()
    resolutions_30d = serializers.IntegerField()
    imports = ImportProgressSerializer(many=True)
    prefixes = PrefixStateSerializer(many=True)
    grants_given = serializers.IntegerField()
    grants_received = serializers.IntegerField()
    members = MembersSerializer()


@extend_schema_serializer(
    examples=[
        answer_example(
            _lazy("企业工作台"),
            {
                "todo": [
                    {
                        "key": "change_requests_rejected",
                        "label": "被驳回的模板变更申请",
                        "count": 1,
                        "url": "/metadata/requests/?status=rejected",
                    }
                ],
                "figures": {
                    "registrations": {
                        **REGISTRATIONS,
                        "total": 15230,
                        "this_month": 1200,
                        "by_template": [{"label": "园区生产制造模板", "count": 14800}],
                    },
                    "resolutions": {
                        **RESOLUTIONS,
                        "top_prefixes": [{"label": "88.101.ZLJM", "count": 1520400}],
                    },
                    "resolutions_30d": 45210330,
                    "imports": [
                        {"pk": 9, "name": "2026年3月变压器出厂台账.xlsx", "state": "applying", "progress": 45}
                    ],
                    "prefixes": [
                        {
                            "prefix": "88.101.ZLJM",
                            "status": "active",
                            "upstream_status": "active",
                            "upstream_message": "",
                        }
                    ],
                    "grants_given": 3,
                    "grants_received": 0,
                    "members": {"total": 4, "admins": 1},
                },
            },
        )
    ]
)
class EnterpriseWorkbenchSerializer(serializers.Serializer):
    todo = TodoSerializer(many=True)
    figures = EnterpriseFiguresSerializer()


class IdentifierHitSerializer(serializers.Serializer):
    handle = serializers.CharField()
    name = serializers.CharField()
    object_code = serializers.CharField()
    enterprise = serializers.CharField()
    status = serializers.CharField()
    url = serializers.CharField()


class EnterpriseHitSerializer(serializers.Serializer):
    name = serializers.CharField()
    code = serializers.CharField()
    credit_code = serializers.CharField()
    status = serializers.CharField()
    url = serializers.CharField()


@extend_schema_serializer(
    examples=[
        answer_example(
            _lazy("按“变压器”搜索"),
            {
                "q": "变压器",
                "identifiers": [
                    {
                        "handle": "88.101.ZLJM/TRF2026030001",
                        "name": "SCB11-630/10 干式变压器",
                        "object_code": "TRF2026030001",
                        "enterprise": "ZLJM",
                        "status": "active",
                        "url": "/identifiers/1024/",
                    }
                ],
                "enterprises": [],
            },
        )
    ]
)
class SearchSerializer(serializers.Serializer):
    q = serializers.CharField()
    identifiers = IdentifierHitSerializer(many=True)
    enterprises = EnterpriseHitSerializer(many=True)
