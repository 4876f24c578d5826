"""Forms of the sync pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.sync import snms


class UpstreamLinkForm(forms.Form):
    """The upstream node as the park administrator sets it. An empty password keeps the stored
    one (it is never shown back)."""

    url = forms.URLField(
        label=_("上级节点地址"),
        required=False,
        assume_scheme="https",
        help_text=_("留空则使用部署配置中的 UPSTREAM_NODE_URL"),
    )
    username = forms.CharField(label=_("应用身份"), max_length=50, required=False)
    password = forms.CharField(
        label=_("密钥"),
        max_length=128,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("留空则保持原密钥不变"),
    )
    batch_size = forms.IntegerField(label=_("每批条数"), min_value=1, max_value=snms.BATCH_MAX)
    enabled = forms.BooleanField(label=_("启用"), required=False)

    @classmethod
    def for_link(cls, link, data=None):
        initial = {
            "url": link.url,
            "username": link.username,
            "batch_size": link.batch_size,
            "enabled": link.enabled,
        }
        return cls(data=data, initial=initial)
