from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.buildcases.choices import STAGE_ORDER, BuildMode, Stage
from apps.buildcases.models import BuildCase
from apps.core.forms import DateField
from apps.tenants.models import Enterprise


class CaseCreateForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    mode = forms.ChoiceField(label=_("建设模式"), choices=BuildMode.choices)
    enterprise = forms.ModelChoiceField(
        label=_("建设主体企业"),
        queryset=Enterprise.objects.filter(is_park_operator=False).order_by("name"),
        required=False,
        help_text=_("仅园区型企业节点需要；其他模式的建设主体是园区"),
    )
    owner = forms.ModelChoiceField(
        label=_("负责人"),
        queryset=User.objects.exclude(park_role="").filter(is_active=True).order_by("username"),
        required=False,
        help_text=_("留空为发起人"),
    )
    target_date = DateField(label=_("计划完成日期"), required=False)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PlanForm(forms.ModelForm):
    class Meta:
        model = BuildCase
        fields = ["probe_url", "min_availability", "max_sync_lag_minutes", "max_sync_pending"]


class ArtifactForm(forms.Form):
    file = forms.FileField(label=_("文件"))


class SignOffForm(forms.Form):
    note = forms.CharField(label=_("审核意见"), required=False, max_length=500)


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("审批意见"), required=False, max_length=500)


class SendBackForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 2}))
    to_stage = forms.ChoiceField(label=_("退回至"), choices=Stage.choices)

    def __init__(self, *args, case: BuildCase, **kwargs):
        super().__init__(*args, **kwargs)
        index = STAGE_ORDER.index(case.stage)
        self.fields["to_stage"].choices = [(s.value, s.label) for s in Stage][: index + 1]
        self.fields["to_stage"].initial = STAGE_ORDER[max(index - 1, 0)]
