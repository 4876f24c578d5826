from django import forms
from django.utils.translation import gettext_lazy as _


class RecordForm(forms.Form):
    subject = forms.CharField(
        label=_("关联标识"), max_length=255, help_text=_("本企业的标识，例如 88.101.ALPHA/BOILER-01")
    )
    evidence_type = forms.ChoiceField(label=_("存证类型"), choices=())
    file = forms.FileField(label=_("文件"), required=False, help_text=_("检测报告、证书、碳核查报告、合同等"))
    record = forms.CharField(
        label=_("JSON 记录"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("一笔交易、一次读数……（与文件二选一）"),
    )
    title = forms.CharField(label=_("说明"), max_length=200, required=False)
    supersedes = forms.CharField(
        label=_("更正的存证码"),
        max_length=255,
        required=False,
        help_text=_("这是对某条存证的更正时填写；原存证保留不变"),
    )

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence_type"].choices = [(t.code, t.name) for t in types]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("allow_empty_file", True)  # the service reports it by row: 第 N 行 file
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class BulkForm(forms.Form):
    subject = forms.CharField(label=_("关联标识"), max_length=255)
    evidence_type = forms.ChoiceField(label=_("存证类型"), choices=())
    files = MultipleFileField(label=_("文件（可多选）"), required=False)

    def __init__(self, *args, types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence_type"].choices = [(t.code, t.name) for t in types]


class CheckFileForm(forms.Form):
    file = forms.FileField(
        label=_("要核验的文件"), help_text=_("文件只在本机计算 SM3 摘要后即丢弃，不会保存")
    )


class WitnessForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    url = forms.URLField(label=_("节点地址"), required=False, assume_scheme="https")
    public_key = forms.CharField(label=_("见证公钥（PEM）"), widget=forms.Textarea(attrs={"rows": 5}))
