import json

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.bid.choices import BidKeyType, BidSubject

GENERATE_CHOICES = [("", _("不生成（使用持有者的公钥）")), *BidKeyType.choices]
SIGNATURE_HELP = _("留空提交将显示待签名的载荷；持有者用 BID 当前私钥签名后把签名（十六进制）填在这里")


class KeyFields(forms.Form):
    public_key = forms.CharField(
        label=_("持有者公钥"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("BIF 编码公钥（b07a66…/b06566…）、PEM 公钥或十六进制原始公钥；私钥由持有者保管"),
    )
    generate = forms.ChoiceField(
        label=_("或由门户生成密钥"),
        choices=GENERATE_CHOICES,
        required=False,
        help_text=_("私钥（BIF 编码 pri…）只显示一次，门户不保存"),
    )


class MapForm(KeyFields):
    subject = forms.ChoiceField(
        label=_("映射对象"),
        choices=[
            (BidSubject.IDENTIFIER, BidSubject.IDENTIFIER.label),
            (BidSubject.ENTERPRISE, BidSubject.ENTERPRISE.label),
        ],
    )
    handle = forms.CharField(label=_("标识"), required=False, max_length=255)
    use_terminal_key = forms.BooleanField(label=_("使用终端凭证的公钥"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("public_key") and not data.get("generate") and not data.get("use_terminal_key"):
            raise forms.ValidationError(_("请提供持有者公钥，或选择由门户生成密钥"))
        return data


class BatchForm(forms.Form):
    handles = forms.CharField(
        label=_("标识（每行一个）"), widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"})
    )
    generate = forms.ChoiceField(label=_("密钥类型"), choices=BidKeyType.choices, initial=BidKeyType.SM2)

    def clean_handles(self):
        handles = [line.strip() for line in self.cleaned_data["handles"].splitlines() if line.strip()]
        if not handles:
            raise forms.ValidationError(_("请填写要映射的标识"))
        if len(handles) > 500:
            raise forms.ValidationError(_("一次最多映射 500 个标识"))
        return list(dict.fromkeys(handles))


class SignatureField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("持有者签名"), required=False, max_length=300, help_text=SIGNATURE_HELP, **kwargs
        )


class UpdateForm(forms.Form):
    services = forms.CharField(
        label=_("服务（JSON 数组）"),
        required=False,
        initial="[]",
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_('如 [{"id": "#telemetry", "type": "TelemetryService", "serviceEndpoint": "https://…"}]'),
    )
    signature = SignatureField()

    def clean_services(self):
        text = self.cleaned_data.get("services") or "[]"
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("服务应为 JSON 数组")) from None
        if not isinstance(value, list):
            raise forms.ValidationError(_("服务应为 JSON 数组"))
        return value


class RotateForm(KeyFields):
    signature = SignatureField()


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("停用原因"), max_length=300)
    signature = SignatureField()


class LookupForm(forms.Form):
    q = forms.CharField(label=_("按 BID 或标识查找"), required=False, max_length=255)


class WalletForm(forms.Form):
    bid = forms.CharField(label=_("BID"), max_length=64)
    username = forms.CharField(label=_("用户名"), required=False, max_length=150)
    password = forms.CharField(label=_("密码"), required=False, widget=forms.PasswordInput)
    public_key = forms.CharField(label=_("钱包返回的公钥（publicKey）"), required=False, max_length=4000)
    sign_data = forms.CharField(label=_("钱包返回的签名（signData）"), required=False, max_length=300)

    def __init__(self, *args, login_mode: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if login_mode != "second_factor":
            self.fields.pop("username")
            self.fields.pop("password")
