import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.forms import DateField
from apps.reports.choices import ReportKind
from apps.reports.filing import previous_month
from apps.tenants.models import Enterprise


def _default_start() -> dt.date:
    return previous_month()


def _default_end() -> dt.date:
    return timezone.localdate().replace(day=1) - dt.timedelta(days=1)


class ReportRequestForm(forms.Form):
    """Park domain: any kind, an enterprise for the enterprise report."""

    kind = forms.ChoiceField(
        label=_("报告类型"), choices=ReportKind.choices, initial=ReportKind.PARK_EVALUATION
    )
    period_start = DateField(label=_("开始日期"), initial=_default_start)
    period_end = DateField(
        label=_("结束日期"),
        initial=_default_end,
        help_text=_("月度报备按开始日期所在月份生成"),
    )
    enterprise = forms.ModelChoiceField(
        label=_("企业"),
        queryset=Enterprise.objects.filter(is_park_operator=False).order_by("name"),
        required=False,
        help_text=_("仅企业报告需要"),
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == ReportKind.ENTERPRISE and not data.get("enterprise"):
            self.add_error("enterprise", _("请选择企业"))
        return data


class EnterpriseReportRequestForm(forms.Form):
    """Enterprise domain: the enterprise's own report for a period."""

    period_start = DateField(label=_("开始日期"), initial=_default_start)
    period_end = DateField(label=_("结束日期"), initial=_default_end)
