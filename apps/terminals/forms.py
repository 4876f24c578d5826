from django import forms
from django.utils.translation import gettext_lazy as _

from apps.identifiers.forms import IdentifierValuesForm
from apps.terminals.choices import KeyAlgorithm
from apps.terminals.seed import KEY_COLUMN

GENERATE_CHOICES = [("", _("不生成（上传设备公钥）")), *KeyAlgorithm.choices]


class KeyFields(forms.Form):
    public_key = forms.CharField(
        label=_("设备公钥或 CSR"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text=_("PEM 公钥、SM2 十六进制公钥（128 位）或 PEM CSR；私钥留在设备上"),
    )
    generate = forms.ChoiceField(
        label=_("或由门户生成密钥"),
        choices=GENERATE_CHOICES,
        required=False,
        help_text=_("仅用于无法自行生成密钥的设备：私钥只显示一次，门户不保存"),
    )
    valid_days = forms.IntegerField(label=_("凭证有效期（天）"), required=False, min_value=1, max_value=3650)


class EnrolForm(IdentifierValuesForm):
    """The template's items (the identifier) and the first credential."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the key column of Excel enrolment is the key field here
        self.items = [item for item in self.items if item["code"] != KEY_COLUMN]
        self.fields.pop(KEY_COLUMN, None)
        self.fields.update(KeyFields().fields)


class RotateForm(KeyFields):
    grace_hours = forms.IntegerField(
        label=_("旧凭证宽限期（小时）"), initial=24, min_value=0, max_value=2160,
        help_text=_("宽限期内新旧凭证都有效，便于设备切换"),
    )  # fmt: skip


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=300, required=False)
