import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ComplexityValidator:
    """MLPS level 3: a password mixes at least three of upper case, lower case, digits and symbols."""

    def validate(self, password, user=None):
        classes = [r"[A-Z]", r"[a-z]", r"[0-9]", r"[^A-Za-z0-9]"]
        if sum(bool(re.search(pattern, password)) for pattern in classes) < 3:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少三类"), code="password_too_simple"
            )

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、符号中的至少三类")
