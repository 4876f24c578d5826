import json
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.metadata.choices import Grade, ItemType, ObjectCategory, TemplateLevel
from apps.metadata.models import MetadataTemplate
from apps.metadata.services import TEMPLATE_EDITABLE_FIELDS

_SPLIT = re.compile(r"[\n\r、,，;；]+")


class TemplateForm(forms.Form):
    code = forms.CharField(
        label=_("模板编码"), max_length=64, help_text=_("字母、数字和连字符，例如 PARK-ENERGY")
    )
    name = forms.CharField(label=_("模板名称"), max_length=100)
    category = forms.ChoiceField(label=_("对象类别"), choices=ObjectCategory.choices)
    parent = forms.ModelChoiceField(label=_("上级模板"), queryset=MetadataTemplate.objects.none())
    industry_section = forms.CharField(
        label=_("行业门类"), max_length=1, required=False, help_text=_("GB/T 4754，例如 C")
    )
    industry_division = forms.CharField(
        label=_("行业大类"), max_length=2, required=False, help_text=_("例如 38")
    )
    industry_group = forms.CharField(
        label=_("行业中类"), max_length=3, required=False, help_text=_("例如 382")
    )
    industry_class = forms.CharField(
        label=_("行业小类"), max_length=4, required=False, help_text=_("例如 3821")
    )
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    use_check_character = forms.BooleanField(label=_("启用校验位"), required=False)
    default_link = forms.CharField(label=_("默认跳转链接"), max_length=500, required=False)

    def __init__(self, *args, parents=None, enterprise_mode=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents if parents is not None else MetadataTemplate.objects.none()
        if enterprise_mode:
            # An enterprise template takes its category and industry from the park template.
            for name in [
                "category",
                "industry_section",
                "industry_division",
                "industry_group",
                "industry_class",
            ]:
                del self.fields[name]


class TemplateEditForm(forms.ModelForm):
    class Meta:
        model = MetadataTemplate
        fields = list(TEMPLATE_EDITABLE_FIELDS)


class ItemForm(forms.Form):
    name = forms.CharField(label=_("中文名称"), max_length=100)
    code = forms.CharField(label=_("英文编码"), max_length=64, help_text=_("字母开头，字母、数字和下划线"))
    index = forms.IntegerField(
        label=_("索引"), required=False, min_value=2000, help_text=_("留空自动分配（≥ 2000）")
    )
    item_type = forms.ChoiceField(label=_("数据类型"), choices=ItemType.choices)
    required = forms.BooleanField(label=_("必填"), required=False)
    unique = forms.BooleanField(label=_("唯一"), required=False)
    grade = forms.TypedChoiceField(label=_("数据分级"), choices=Grade.choices, coerce=int, initial=Grade.G1)
    is_public = forms.BooleanField(label=_("公开（仅一级数据可公开）"), required=False, initial=True)
    help_text = forms.CharField(label=_("填写说明"), max_length=300, required=False)
    order = forms.IntegerField(label=_("排序"), required=False, min_value=0)
    min_length = forms.IntegerField(label=_("最小长度"), required=False, min_value=0)
    max_length = forms.IntegerField(label=_("最大长度"), required=False, min_value=1)
    pattern = forms.CharField(label=_("格式（正则表达式）"), required=False, max_length=300)
    pattern_hint = forms.CharField(label=_("格式说明"), required=False, max_length=100)
    min = forms.CharField(
        label=_("最小值"), required=False, max_length=30, help_text=_("数值，或日期 YYYY-MM-DD")
    )
    max = forms.CharField(label=_("最大值"), required=False, max_length=30)
    precision = forms.IntegerField(label=_("小数位数"), required=False, min_value=0, max_value=10)
    unit = forms.CharField(label=_("单位"), required=False, max_length=20)
    choices = forms.CharField(
        label=_("可选值"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个，或用顿号分隔"),
    )
    ref_category = forms.ChoiceField(
        label=_("引用对象类别"), required=False, choices=[("", "—"), *ObjectCategory.choices]
    )
    ref_prefix = forms.CharField(label=_("引用前缀"), required=False, max_length=64)
    extensions = forms.CharField(
        label=_("文件类型"), required=False, max_length=100, help_text=_("例如 pdf、jpg")
    )

    CONSTRAINT_FIELDS = [
        "min_length",
        "max_length",
        "pattern",
        "pattern_hint",
        "min",
        "max",
        "precision",
        "unit",
        "choices",
        "ref_category",
        "ref_prefix",
        "extensions",
    ]

    @classmethod
    def initial_from(cls, item: dict) -> dict:
        initial = {
            k: item.get(k)
            for k in [
                "name",
                "code",
                "index",
                "item_type",
                "required",
                "unique",
                "grade",
                "is_public",
                "help_text",
                "order",
            ]
        }
        for key, value in (item.get("constraints") or {}).items():
            if key in ("choices", "extensions"):
                value = "\n".join(str(v) for v in value) if key == "choices" else "、".join(value)
            initial[key] = value
        return initial

    def item_data(self) -> dict:
        data = self.cleaned_data
        constraints = {}
        for key in self.CONSTRAINT_FIELDS:
            value = data.get(key)
            if value in (None, ""):
                continue
            if key == "choices":
                value = [part.strip() for part in _SPLIT.split(value) if part.strip()]
            elif key == "extensions":
                value = [part.strip().lstrip(".").lower() for part in _SPLIT.split(value) if part.strip()]
            elif key in ("min", "max") and data.get("item_type") == ItemType.NUMBER:
                try:
                    number = float(value)
                    value = int(number) if number.is_integer() else number
                except ValueError:
                    pass
            constraints[key] = value
        return {
            "name": data["name"],
            "code": data["code"],
            "index": data.get("index"),
            "item_type": data["item_type"],
            "required": data.get("required", False),
            "unique": data.get("unique", False),
            "grade": data["grade"],
            "is_public": data.get("is_public", False),
            "help_text": data.get("help_text", ""),
            "order": data.get("order") or 0,
            "constraints": constraints,
        }


class ChangeRequestForm(ItemForm):
    reason = forms.CharField(label=_("申请理由"), widget=forms.Textarea(attrs={"rows": 3}))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("驳回原因"), widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("模板文件（JSON）"))
    code = forms.CharField(
        label=_("模板编码"), max_length=64, required=False, help_text=_("留空使用文件中的编码")
    )
    name = forms.CharField(label=_("模板名称"), max_length=100, required=False)
    publish = forms.BooleanField(label=_("导入后立即发布"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 2 MB"))
        try:
            document = json.loads(upload.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise forms.ValidationError(_("不是有效的 JSON 文件")) from None
        if isinstance(document, dict) and isinstance(document.get("data"), dict) and "items" not in document:
            document = document["data"]  # the upstream API wraps the template in {status, message, data}
        return document


LEVEL_LABELS = dict(TemplateLevel.choices)
