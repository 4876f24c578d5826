"""Forms generated from a template version's effective items.

One field per enabled item, with the widget its type needs: number with its unit, a date
input, a select for enums, a file upload for files, a text box with a handle hint for
references. Values are checked by the registration service (apps.metadata.validation), so
every field is a loose text field here and the service's per-item messages land on the
field they name.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.forms import DateTextField
from apps.identifiers import handles
from apps.metadata.choices import GRADE_GBT43697, Grade, ItemState, ItemType
from apps.metadata.validation import enum_choices

OBJECT_CODE = "object_code"


def _label(item: dict) -> str:
    unit = (item.get("constraints") or {}).get("unit")
    return f"{item['name']}（{unit}）" if unit else item["name"]


def _help(item: dict) -> str:
    c = item.get("constraints") or {}
    parts = []
    if item.get("help_text"):
        parts.append(item["help_text"])
    kind = item.get("item_type")
    if kind == ItemType.NUMBER:
        if c.get("min") is not None and c.get("max") is not None:
            parts.append(_("范围 %(min)s ~ %(max)s") % {"min": c["min"], "max": c["max"]})
        elif c.get("min") is not None:
            parts.append(_("不小于 %(min)s") % {"min": c["min"]})
        if c.get("precision") is not None:
            parts.append(_("最多 %(p)s 位小数") % {"p": c["precision"]})
    if kind == ItemType.STRING and c.get("max_length"):
        parts.append(_("最多 %(n)s 个字符") % {"n": c["max_length"]})
    if c.get("pattern_hint"):
        parts.append(c["pattern_hint"])
    if kind == ItemType.REFERENCE:
        parts.append(_("填写被引用对象的标识，例如 88.101.ABC/B001"))
    if kind == ItemType.FILE:
        exts = c.get("extensions") or []
        parts.append(_("上传文件") + (f"（{'、'.join(exts)}）" if exts else ""))
    grade = int(item.get("grade") or 1)
    public = grade == 1 and item.get("is_public", True)
    parts.append(
        _("数据分级：%(g)s（%(gbt)s），%(p)s")
        % {
            "g": Grade(grade).label,
            "gbt": GRADE_GBT43697[Grade(grade)],
            "p": _("公开") if public else _("仅本企业及授权用户可见"),
        }
    )
    return "；".join(str(p) for p in parts)


def _field(item: dict, initial: str | None) -> forms.Field:
    c = item.get("constraints") or {}
    kind = item.get("item_type") or ItemType.STRING
    common = {"label": _label(item), "help_text": _help(item), "required": bool(item.get("required"))}
    if kind == ItemType.NUMBER:
        precision = c.get("precision")
        step = (
            "any"
            if precision is None
            else ("1" if int(precision) == 0 else f"{10 ** -int(precision):.{int(precision)}f}")
        )
        attrs = {"step": step, "inputmode": "decimal"}
        if c.get("min") is not None:
            attrs["min"] = c["min"]
        if c.get("max") is not None:
            attrs["max"] = c["max"]
        if c.get("unit"):
            attrs["data-unit"] = c["unit"]
        return forms.CharField(widget=forms.NumberInput(attrs=attrs), **common)
    if kind == ItemType.DATE:
        return DateTextField(**common)
    if kind == ItemType.ENUM:
        choices = [("", "—")] + [(c_, c_) for c_ in enum_choices(item)]
        return forms.ChoiceField(choices=choices, **common)
    if kind == ItemType.FILE:
        exts = c.get("extensions") or []
        accept = ",".join(f".{e}" for e in exts)
        field = forms.FileField(
            widget=forms.ClearableFileInput(attrs={"accept": accept} if accept else {}),
            **{**common, "required": bool(item.get("required")) and not initial},
        )
        return field
    if kind == ItemType.REFERENCE:
        return forms.CharField(
            widget=forms.TextInput(attrs={"placeholder": "88.101.ABC/B001", "class": "mono"}),
            **common,
        )
    attrs = {}
    if c.get("max_length"):
        attrs["maxlength"] = c["max_length"]
    if c.get("max_length") and int(c["max_length"]) > 200:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3, **attrs}), **common)
    return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)


class IdentifierValuesForm(forms.Form):
    """Built per template version: ``IdentifierValuesForm(items=..., with_object_code=True)``."""

    def __init__(
        self, *args, items: list[dict], with_object_code: bool = False, use_check: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.items = [i for i in items if i.get("state", ItemState.ENABLED) == ItemState.ENABLED]
        self.items.sort(key=lambda i: (i.get("order", 0), i["index"]))
        initial = self.initial or {}
        if with_object_code:
            help_text = gettext_lazy("留空则按企业序列自动生成；不能包含空格或斜杠")
            if use_check:
                help_text = gettext_lazy(
                    "留空则按企业序列自动生成；只能使用数字 0-9 和大写字母 A-Z，系统会在末尾追加校验位"
                )
            self.fields[OBJECT_CODE] = forms.CharField(
                label=gettext_lazy("对象代码（标识后缀）"),
                required=False,
                max_length=190,
                help_text=help_text,
            )
        for item in self.items:
            self.fields[item["code"]] = _field(item, initial.get(item["code"]))
        self.use_check = use_check

    def clean_object_code(self) -> str:
        """The same rule as the registration service, shown on the field before anything is saved."""
        code = (self.cleaned_data.get(OBJECT_CODE) or "").strip()
        if code:
            validate = handles.validate_check_object_code if self.use_check else handles.validate_object_code
            try:
                validate(code)
            except handles.HandleError as exc:
                raise forms.ValidationError(exc.message) from None
        return code

    def file_items(self) -> list[dict]:
        return [i for i in self.items if i.get("item_type") == ItemType.FILE]

    def raw_values(self, *, keep: dict[str, str] | None = None) -> dict[str, str]:
        """Submitted values by item code (uploads handled by the view). Files not re-uploaded
        keep their previous value unless cleared."""
        keep = keep or {}
        out: dict[str, str] = {}
        for item in self.items:
            code = item["code"]
            if item.get("item_type") == ItemType.FILE:
                value = self.cleaned_data.get(code)
                if value is False:  # "clear" ticked
                    continue
                if not value and keep.get(code):
                    out[code] = keep[code]
                continue
            value = self.cleaned_data.get(code)
            if value not in (None, ""):
                out[code] = str(value)
        return out

    def apply_errors(self, errors: dict[str, list[str]]) -> None:
        for code, messages in errors.items():
            field = code if code in self.fields else None
            for message in messages:
                self.add_error(field, message)


class GrantForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("被授权用户（用户名）"), max_length=150)
    target = forms.ChoiceField(
        label=gettext_lazy("授权范围"),
        choices=[
            ("identifier", gettext_lazy("单个标识")),
            ("template", gettext_lazy("某模板下本企业的全部标识")),
        ],
    )
    handle = forms.CharField(
        label=gettext_lazy("标识"), required=False, help_text=gettext_lazy("授权单个标识时填写")
    )
    template = forms.ChoiceField(label=gettext_lazy("模板"), required=False)

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", "—")] + [
            (str(t.pk), f"{t.name}（{t.code}）") for t in templates
        ]


class APIClientForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("客户端名称"),
        max_length=100,
        help_text=gettext_lazy("例如 ERP、MES、数据采集网关"),
    )
