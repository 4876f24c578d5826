import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc

ENTERPRISE_CODE_RE = re.compile(r"^[A-Za-z0-9]+$")
# Enterprise.code's column width: the guide's maximum (表1, up to 20 characters). The setting
# ENTERPRISE_CODE_MAX_LENGTH may lower the limit for a park; it cannot raise it above this.
ENTERPRISE_CODE_COLUMN_LENGTH = 20
PARK_CODE_RE = re.compile(r"^[A-Za-z0-9]{3}$")


def validate_credit_code(value: str) -> None:
    """统一社会信用代码 (GB 32100-2015): 18 characters with a check character."""
    try:
        uscc.validate(value)
    except Exception:
        raise ValidationError(_("统一社会信用代码无效：应为 18 位且校验位正确"), code="invalid_credit_code")


def enterprise_code_max_length() -> int:
    """settings.ENTERPRISE_CODE_MAX_LENGTH, within 1 and the column's 20."""
    wanted = int(getattr(settings, "ENTERPRISE_CODE_MAX_LENGTH", ENTERPRISE_CODE_COLUMN_LENGTH))
    return max(1, min(wanted, ENTERPRISE_CODE_COLUMN_LENGTH))


def validate_enterprise_code(value: str) -> None:
    limit = enterprise_code_max_length()
    if not ENTERPRISE_CODE_RE.match(value or "") or len(value) > limit:
        raise ValidationError(
            _("企业代码只能包含字母和数字，长度 1–%(max)s 位"),
            code="invalid_enterprise_code",
            params={"max": limit},
        )


def validate_park_code(value: str) -> None:
    if not PARK_CODE_RE.match(value or ""):
        raise ValidationError(_("园区代码应为 3 位字母或数字"), code="invalid_park_code")


RESOURCE_ID_RE = re.compile(r"^[0-9]{1,20}$")
PASSPORT_RE = re.compile(r"^[A-Za-z0-9]{5,17}$")


def validate_resource_id(value: str) -> None:
    """An image's resource id at the upstream node: the number its file upload
    (``POST /snms/api/file/upload``, openApi/v5/ent.md) answered with, at most 20 digits."""
    if value and not RESOURCE_ID_RE.match(value):
        raise ValidationError(
            _("应为上级节点文件上传接口返回的编号（1–20 位数字）"), code="invalid_resource_id"
        )


def id_document_problem(doc_type: str, number: str) -> str:
    """Why ``number`` is not a valid document of ``doc_type`` (1 身份证 2 护照 3 其他), or ""."""
    from stdnum.cn import ric

    if doc_type == "1":
        if not ric.is_valid(number):
            return str(_("居民身份证号码无效：应为 18 位，出生日期与校验位正确"))
    elif doc_type == "2":
        if not PASSPORT_RE.match(number):
            return str(_("护照号码无效：应为 5–17 位字母或数字"))
    elif not number.strip():
        return str(_("请填写证件号码"))
    return ""


INDUSTRY_CODE_RE = re.compile(r"^[A-T][0-9]{2,4}$")


def validate_industry_code(value: str) -> None:
    """GB/T 4754 code: the section letter and the division's two digits at least (the upstream's
    application sends them as industryCategory and industrySpecific)."""
    if value and not INDUSTRY_CODE_RE.match(value):
        raise ValidationError(
            _("国民经济行业分类应为 GB/T 4754 代码：门类字母加 2–4 位数字，如 C3484"),
            code="invalid_industry_code",
        )
