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
