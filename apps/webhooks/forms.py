from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.errors import ApplicationError
from apps.webhooks.choices import EventKind


class SubscriptionForm(forms.Form):
    url = forms.CharField(
        label=_("接收地址"),
        max_length=500,
        help_text=_("接收事件的 https 地址；不能指向内网、回环或保留地址，除非园区允许内网地址"),
        widget=forms.URLInput(attrs={"placeholder": "https://erp.example.com/hooks/park"}),
    )
    description = forms.CharField(label=_("说明"), max_length=200, required=False)
    kinds = forms.MultipleChoiceField(
        label=_("事件类型"), choices=EventKind.choices, widget=forms.CheckboxSelectMultiple
    )


class SettingsForm(forms.Form):
    allow_internal_targets = forms.BooleanField(
        label=_("允许内网地址"),
        required=False,
        help_text=_("允许订阅地址解析到回环、私有、链路本地或保留地址（仅在园区内网系统需要时打开）"),
    )


def apply_errors(form: forms.Form, exc: ApplicationError) -> None:
    placed = False
    for name, errors in (exc.errors or {}).items():
        for error in errors:
            form.add_error(name if name in form.fields else None, error)
            placed = True
    if not placed:
        form.add_error(None, exc.message)
