from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.choices import EnterpriseRole
from apps.tenants.models import Enterprise
from apps.tenants.services import UPSTREAM_FORM_FIELDS, UPSTREAM_INFO_FIELDS, enterprise_code_taken

UPSTREAM_SECTION = _("上级节点前缀申请资料")


class EnterpriseApplicationForm(forms.ModelForm):
    """The public application; its 上级节点前缀申请资料 section is optional (the park
    administrator can complete it later on the enterprise page)."""

    upstream_fields = UPSTREAM_INFO_FIELDS

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "short_name",
            "credit_code",
            "code",
            "industry_code",
            "address",
            "contact_name",
            "contact_phone",
            "contact_email",
            *UPSTREAM_INFO_FIELDS,
        ]
        error_messages = {
            "credit_code": {"unique": _("该统一社会信用代码已提交过申请")},
        }

    def basic_fields(self):
        return [self[name] for name in self.fields if name not in self.upstream_fields]

    def section_fields(self):
        return [self[name] for name in self.upstream_fields]

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if enterprise_code_taken(code):
            raise forms.ValidationError(_("企业代码已被使用"), code="code_taken")
        return code

    def clean_credit_code(self):
        return self.cleaned_data["credit_code"].strip().upper()

    def clean_industry_code(self):
        return self.cleaned_data["industry_code"].strip().upper()

    def _post_clean(self):
        # schema_name is derived by the service; skip model validation of it here.
        self.instance.schema_name = "ent_placeholder"
        super()._post_clean()


class UpstreamInfoForm(forms.ModelForm):
    """The park administrator completes the enterprise's 上级节点前缀申请资料."""

    class Meta:
        model = Enterprise
        fields = list(UPSTREAM_FORM_FIELDS)

    def _post_clean(self):
        # Validated (and written) by services.enterprise_upstream_info_update on a copy.
        pass


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("驳回原因"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("请填写驳回原因")},
    )


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("暂停原因"), required=False, max_length=2000)


class PrefixRevokeForm(forms.Form):
    """Rendered only: the posted reason goes to ``apps.identifiers.prefixes.prefix_revoke``."""

    reason = forms.CharField(label=_("注销原因"), max_length=2000)


class MemberAddForm(forms.Form):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        help_text=_("已有账号的用户直接加入本企业；新用户名将创建账号并生成初始密码"),
        error_messages={"required": _("请填写用户名")},
    )
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    email = forms.EmailField(label=_("电子邮件"), required=False)
    phone = forms.CharField(label=_("手机"), max_length=30, required=False)
    role = forms.ChoiceField(
        label=_("角色"), choices=EnterpriseRole.choices, initial=EnterpriseRole.ENTERPRISE_MEMBER
    )
