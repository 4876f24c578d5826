"""The park's terminal template (园区工业终端模板): the guide's device items and the readings a
terminal reports, each graded. Idempotent and cheap once it exists, like
``apps.metadata.demo.ensure_seed_templates``: enrolment ensures it, as do ``load_demo``
(apps.terminals.demo) and the tests."""

from __future__ import annotations

from django.db import transaction

from apps.metadata.choices import Grade, ItemType, ObjectCategory, TemplateLevel
from apps.metadata.models import MetadataTemplate

TERMINAL_TEMPLATE_CODE = "PARK-TERMINAL"
S, N, E = ItemType.STRING, ItemType.NUMBER, ItemType.ENUM
G1, G2 = Grade.G1, Grade.G2


def _item(name, code, kind=S, *, required=False, grade=G1, public=None, help_text="", **constraints):
    return {
        "name": name,
        "code": code,
        "item_type": kind,
        "required": required,
        "unique": False,
        "grade": grade,
        "is_public": (grade == G1) if public is None else public,
        "help_text": help_text,
        "constraints": constraints,
    }


# A format check for the dry run of an Excel import; the key itself is parsed when it is issued.
KEY_PATTERN = (
    r"-----BEGIN PUBLIC KEY-----\s*[A-Za-z0-9+/=\s]+-----END PUBLIC KEY-----\s*"
    r"|(04)?[0-9a-fA-F]{128}|[A-Za-z0-9+/]{40,}={0,2}"
)

# Device items (guide 三(三)4: model, manufacturer, location, owner, network type), then the
# readings a terminal reports (template items too, so each reading is graded by the template).
TERMINAL_ITEMS = [
    _item("设备型号", "model", required=True, max_length=100),
    _item("制造商", "manufacturer", required=True, max_length=100),
    _item("安装位置", "location", max_length=200, public=False, help_text="楼栋、车间或坐标"),
    _item("设备责任人", "device_owner", max_length=50, grade=G2),
    _item("网络类型", "network_type", E, choices=["以太网", "Wi-Fi", "4G", "5G", "NB-IoT", "LoRa", "其他"]),
    _item(
        "设备公钥",
        "device_public_key",
        max_length=255,
        public=False,
        pattern=KEY_PATTERN,
        pattern_hint="PEM 公钥、SM2 十六进制公钥（128 位）或 Base64 公钥",
        help_text="Excel 批量登记时填写，导入后据此签发凭证（发布为 HS_PUBKEY）",
    ),
    _item("温度", "temperature", N, precision=2, unit="℃", help_text="终端上报"),
    _item("湿度", "humidity", N, precision=2, unit="%", min=0, max=100, help_text="终端上报"),
    _item("运行状态", "running_state", E, choices=["运行", "待机", "故障", "停机"], help_text="终端上报"),
    _item("有功功率", "power", N, precision=3, unit="kW", grade=G2, help_text="终端上报"),
    _item("累计电量", "energy", N, precision=3, unit="kWh", min=0, grade=G2, help_text="终端上报"),
    _item("故障代码", "fault_code", max_length=64, grade=G2, help_text="终端上报"),
]
KEY_COLUMN = "device_public_key"
READING_CODES = ["temperature", "humidity", "running_state", "power", "energy", "fault_code"]


@transaction.atomic
def ensure_terminal_template() -> MetadataTemplate:
    """The published park terminal template and its terminal settings."""
    from apps.metadata import services
    from apps.metadata.demo import ensure_seed_templates
    from apps.metadata.selectors import template_current_version
    from apps.terminals.models import TerminalProfile

    template = MetadataTemplate.objects.filter(owner__isnull=True, code=TERMINAL_TEMPLATE_CODE).first()
    if template is None:
        national = ensure_seed_templates()["CN-CORE"]
        template = services.template_create(
            code=TERMINAL_TEMPLATE_CODE,
            name="园区工业终端模板",
            level=TemplateLevel.PARK,
            category=ObjectCategory.GENERAL,
            parent=national,
            description="主动标识载体与工业终端：设备信息与终端上报的数据项（标识+终端认证）。",
        )
    if template_current_version(template) is None:
        draft = services.template_version_create_draft(template=template)
        if not draft.items.exists():
            for index, spec in enumerate(TERMINAL_ITEMS, start=2100):
                services.template_item_add(version=draft, index=index, **spec)
        services.template_version_publish(version=draft, note="初始版本")
    TerminalProfile.objects.get_or_create(template=template)
    return template
