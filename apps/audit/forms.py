from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DateField


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作者"), required=False)
    action = forms.CharField(label=_("操作"), required=False)
    object_type = forms.ChoiceField(label=_("对象类型"), required=False)
    object_id = forms.CharField(label=_("对象 ID"), required=False)
    tenant = forms.ChoiceField(label=_("租户"), required=False)
    date_from = DateField(label=_("开始日期"), required=False)
    date_to = DateField(label=_("结束日期"), required=False)

    def __init__(self, *args, object_types=(), tenants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("全部对象类型")), *[(t, t) for t in object_types]]
        self.fields["tenant"].choices = [("", _("全部租户")), *tenants]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("结束日期不能早于开始日期"))
        return data
