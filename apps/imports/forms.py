from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from apps.imports.choices import FileFormat


class UploadForm(forms.Form):
    template = forms.ModelChoiceField(queryset=None, label=_("元数据模板"), empty_label=None)
    file = forms.FileField(
        label=_("文件"),
        help_text=_("支持 .xlsx 与 CSV（UTF-8 或 GBK）；单个文件不超过 %(mb)s MB、%(rows)s 行")
        % {"mb": settings.IMPORT_MAX_FILE_MB, "rows": settings.IMPORT_MAX_ROWS},
    )

    def __init__(self, *args, templates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"


class ExportForm(forms.Form):
    """The job page's export: a template (or all) and a keyword; the identifier list page links
    to the same export with all of its filters."""

    template = forms.ModelChoiceField(
        queryset=None, label=_("元数据模板"), required=False, empty_label=_("全部模板")
    )
    format = forms.ChoiceField(label=_("格式"), choices=FileFormat.choices, initial=FileFormat.XLSX)
    q = forms.CharField(label=_("关键字"), required=False)
    status = forms.CharField(required=False, widget=forms.HiddenInput)
    category = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, templates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates


class OnboardingForm(forms.Form):
    """Mass onboarding: one .xlsx of enterprises (apps.imports.onboarding)."""

    file = forms.FileField(
        label=_("企业名单"),
        help_text=_("按模板填写的 Excel (.xlsx)，每行一家企业；任何一行有错都不会导入"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx"
