import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc

ENTERPRISE_CODE_RE = re.compile(r"^[A-Za-z0-9]{1,20}$")
PARK_CODE_RE = re.compile(r"^[A-Za-z0-9]{3}$")


def validate_credit_code(value: str) -> None:
    """统一社会信用代码 (GB 32100-2015): 18 characters with a check character."""
    try:
        uscc.validate(value)
    except Exception:
        raise ValidationError(_("统一社会信用代码无效：应为 18 位且校验位正确"), code="invalid_credit_code")


def validate_enterprise_code(value: str) -> None:
    if not ENTERPRISE_CODE_RE.match(value or ""):
        raise ValidationError(_("企业代码只能包含字母和数字，长度 1–20 位"), code="invalid_enterprise_code")


def validate_park_code(value: str) -> None:
    if not PARK_CODE_RE.match(value or ""):
        raise ValidationError(_("园区代码应为 3 位字母或数字"), code="invalid_park_code")
