"""The REST API's pagination (a module of its own: DRF imports it while loading its generic
views, so it must not import them)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import exceptions, pagination


def query_integer(query_params, name: str, *, maximum: int | None = None) -> int | None:
    """The whole number ``name`` of the query string (1, or 1 to ``maximum``), ``None`` when it is
    not sent; anything else is a 400 naming it, as the schema's ``minimum``/``maximum`` say."""
    raw = query_params.get(name)
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1 or (maximum and int(raw) > maximum):
        if maximum:
            message = _("应为 1 到 %(maximum)d 之间的整数") % {"maximum": maximum}
        else:
            message = _("应为不小于 1 的整数")
        raise exceptions.ValidationError({name: [message]})
    return int(raw)


class PageNumberPagination(pagination.PageNumberPagination):
    """``page`` (from 1) and ``page_size`` (1 to 500) must be what the schema says: a malformed
    value is a 400, not silently the first page; a page past the last is a 404."""

    page_size_query_param = "page_size"
    max_page_size = 500
    last_page_strings = ()
    invalid_page_message = _lazy("第 {page_number} 页不存在")

    def get_page_size(self, request):
        return (
            query_integer(request.query_params, self.page_size_query_param, maximum=self.max_page_size)
            or self.page_size
        )

    def get_page_number(self, request, paginator):
        return query_integer(request.query_params, self.page_query_param) or 1

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": _("页码，从 1 开始"),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": _("每页条数（默认 %(default)d，最多 %(maximum)d）")
                % {"default": self.page_size, "maximum": self.max_page_size},
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
