"""The park's evidence list and the template evidence codes are registered under (园区存证码模板).
Idempotent and cheap once they exist, like ``apps.terminals.seed``: recording ensures them."""

from __future__ import annotations

from django.db import transaction

from apps.metadata.choices import Grade, ItemType, ObjectCategory, TemplateLevel
from apps.metadata.models import MetadataTemplate

EVIDENCE_TEMPLATE_CODE = "PARK-EVIDENCE"

# code, name, content public — the guide's 可信存证 and 合川's 碳资产存证码 first
DEFAULT_TYPES = [
    ("carbon", "碳资产", False),
    ("quality", "质量", False),
    ("trade", "交易", False),
    ("contract", "合同", False),
    ("certificate", "证书", True),
    ("other", "其他", False),
]


def _item(name, code, kind=ItemType.STRING, *, required=False, help_text="", **constraints):
    # every item is 一级 and public: the evidence code's record shows digest, time and inclusion
    # state to anyone, and never the content (that stays in the enterprise's schema)
    return {
        "name": name,
        "code": code,
        "item_type": kind,
        "required": required,
        "unique": False,
        "grade": Grade.G1,
        "is_public": True,
        "help_text": help_text,
        "constraints": constraints,
    }


EVIDENCE_ITEMS = [
    _item("存证类型", "evidence_type", required=True, max_length=32),
    _item("SM3 摘要", "evidence_digest", required=True, pattern=r"[0-9a-f]{64}", max_length=64),
    _item("存证时间", "recorded_at", required=True, max_length=40),
    _item("关联标识", "evidence_subject", ItemType.REFERENCE, required=True),
    _item("存证日志", "log_origin", max_length=200),
    _item("日志叶子序号", "leaf_index", ItemType.NUMBER, precision=0, min=0),
    _item("更正的存证码", "supersedes", max_length=255),
]


SEED_LOCK = 0x45564944  # "EVID": first uses in parallel wait for one seeding


def _seed_lock() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEED_LOCK])


@transaction.atomic
def ensure_evidence_types() -> None:
    from apps.evidence.models import EvidenceType

    if EvidenceType.objects.exists():
        return
    _seed_lock()
    if EvidenceType.objects.exists():  # seeded while we waited
        return
    for position, (code, name, public) in enumerate(DEFAULT_TYPES):
        EvidenceType.objects.get_or_create(
            code=code, defaults={"name": name, "is_public": public, "position": position}
        )


@transaction.atomic
def ensure_evidence_template() -> MetadataTemplate:
    from apps.metadata import services
    from apps.metadata.demo import ensure_seed_templates
    from apps.metadata.selectors import template_current_version

    template = MetadataTemplate.objects.filter(owner__isnull=True, code=EVIDENCE_TEMPLATE_CODE).first()
    if template is not None and template_current_version(template) is not None:
        return template
    _seed_lock()
    template = MetadataTemplate.objects.filter(owner__isnull=True, code=EVIDENCE_TEMPLATE_CODE).first()
    if template is None:
        national = ensure_seed_templates()["CN-CORE"]
        template = services.template_create(
            code=EVIDENCE_TEMPLATE_CODE,
            name="园区存证码模板",
            level=TemplateLevel.PARK,
            category=ObjectCategory.GENERAL,
            parent=national,
            description="可信存证的存证码：摘要、时间、关联标识与日志位置，内容留在企业空间。",
        )
    if template_current_version(template) is None:
        draft = services.template_version_create_draft(template=template)
        if not draft.items.exists():
            for index, spec in enumerate(EVIDENCE_ITEMS, start=2100):
                services.template_item_add(version=draft, index=index, **spec)
        services.template_version_publish(version=draft, note="初始版本")
    return template
