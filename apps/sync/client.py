"""Client of the SNMS v5 API (field names: apps/sync/snms.py).

Speaks to any secondary node offering the API, including another instance of this project.
Every reply is checked for the ``{status, message, data}`` envelope; what goes wrong is
raised as one of three errors so the caller can decide between retrying and stopping:

- ``TransientError``: network failure, timeout, HTTP 5xx, an HTML page, a body that is not the
  envelope, status -4. The write may or may not have happened → retry later.
- ``AuthError``: status -1 / HTTP 401 even after one token refresh, or status -3 → stop.
- ``BusinessError``: status -2 for the whole request → the request itself is wrong.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import requests
from django.utils.translation import gettext as _

from apps.sync import snms


class SnmsError(Exception):
    def __init__(self, message: str, *, http_status: int | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.status = status


class TransientError(SnmsError):
    pass


class AuthError(SnmsError):
    pass


class BusinessError(SnmsError):
    pass


@dataclass
class SnmsClient:
    base_url: str
    username: str
    password: str
    timeout: float = 30.0
    session: requests.Session = field(default_factory=requests.Session)
    _token: str | None = None
    _token_at: float = 0.0

    # Refresh a little before the documented 24 h so a long drain never meets an expired token.
    TOKEN_MAX_AGE = snms.TOKEN_LIFETIME_SECONDS - 600

    # ------------------------------------------------------------ plumbing
    def _url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    def _parse(self, response: requests.Response, what: str) -> dict:
        http = response.status_code
        ctype = response.headers.get("Content-Type", "")
        try:
            body = response.json()
        except ValueError:
            snippet = " ".join(response.text[:200].split())
            is_html = "html" in ctype.lower() or snippet.lstrip().startswith("<")
            kind = _("HTML 页面") if is_html else _("非 JSON 内容")
            message = _("%(what)s: 上级节点返回 HTTP %(http)s %(kind)s: %(snippet)s") % {
                "what": what,
                "http": http,
                "kind": kind,
                "snippet": snippet,
            }
            if http in (401, 403):
                raise AuthError(message, http_status=http)
            raise TransientError(message, http_status=http)
        if not isinstance(body, dict) or "status" not in body or "message" not in body:
            message = _(
                "%(what)s: 上级节点返回的内容不是 {status, message, data} 格式 (HTTP %(http)s): %(body)s"
            ) % {
                "what": what,
                "http": http,
                "body": str(body)[:200],
            }
            if http in (401, 403):
                raise AuthError(message, http_status=http)
            raise TransientError(message, http_status=http)
        status = body.get("status")
        message = str(body.get("message") or "")
        if status == snms.STATUS_OK and http < 400:
            return body
        if status == snms.STATUS_UNAUTHENTICATED or http == 401:
            raise AuthError(
                _("%(what)s: 上级节点要求认证 (status %(status)s): %(message)s")
                % {"what": what, "status": status, "message": message},
                http_status=http,
                status=status,
            )
        if status == snms.STATUS_FORBIDDEN or http == 403:
            raise AuthError(
                _("%(what)s: 上级节点拒绝，没有权限 (status %(status)s): %(message)s")
                % {"what": what, "status": status, "message": message},
                http_status=http,
                status=status,
            )
        if status == snms.STATUS_BUSINESS and http < 500:
            raise BusinessError(f"{what}: {message}", http_status=http, status=status)
        raise TransientError(
            _("%(what)s: 上级节点错误 (HTTP %(http)s, status %(status)s): %(message)s")
            % {"what": what, "http": http, "status": status, "message": message},
            http_status=http,
            status=status,
        )

    def login(self) -> str:
        try:
            response = self.session.post(
                self._url("/identity/token"),
                json={"username": self.username, "password": self.password},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise TransientError(
                _("%(what)s: 无法连接上级节点: %(error)s") % {"what": _("获取令牌"), "error": exc}
            ) from exc
        try:
            body = self._parse(response, _("获取令牌"))
        except BusinessError as exc:  # -2 "用户名/密码错误！" is an auth failure for us
            raise AuthError(exc.message, http_status=exc.http_status, status=exc.status) from exc
        token = (body.get("data") or {}).get("token") if isinstance(body.get("data"), dict) else None
        if not token:
            raise TransientError(_("获取令牌: 上级节点没有返回 token"))
        self._token, self._token_at = token, time.monotonic()
        return token

    def call(self, method: str, path: str, *, what: str, params=None, json_body: Any = None) -> dict:
        """One request with the token; on 401/-1 the token is refreshed once and the request sent again."""
        for attempt in (1, 2):
            if not self._token or time.monotonic() - self._token_at > self.TOKEN_MAX_AGE:
                self.login()
            try:
                response = self.session.request(
                    method,
                    self._url(path),
                    params=params,
                    json=json_body,
                    headers={"Authorization": f"Bearer {self._token}", "Content-Type": "application/json"},
                    timeout=self.timeout,
                )
            except requests.Timeout as exc:
                raise TransientError(
                    _("%(what)s: 上级节点响应超时（%(seconds)s 秒），结果未知")
                    % {"what": what, "seconds": f"{self.timeout:g}"}
                ) from exc
            except requests.RequestException as exc:
                raise TransientError(
                    _("%(what)s: 无法连接上级节点: %(error)s") % {"what": what, "error": exc}
                ) from exc
            try:
                return self._parse(response, what)
            except AuthError:
                if attempt == 1:
                    self._token = None
                    continue
                raise
        raise AssertionError("unreachable")

    # ------------------------------------------------------------ identifiers
    def identifier_detail(self, handle: str) -> dict | None:
        try:
            body = self.call("GET", "/identityv2/data/detail", params={"handle": handle}, what=_("查询标识"))
        except BusinessError as exc:
            # Withdrawn (注销) identifiers no longer resolve: absent for every purpose here.
            if (
                snms.is_not_found_message(exc.message)
                or "已注销" in exc.message
                or "withdrawn" in exc.message
            ):
                return None
            raise
        return body.get("data")

    def identifier_create(self, body: dict) -> None:
        self.call("POST", "/identityv2/data", json_body=body, what=_("注册标识"))

    def identifier_update(self, body: dict) -> None:
        self.call("PUT", "/identityv2/data", json_body=body, what=_("更新标识"))

    def identifier_delete(self, handle: str) -> None:
        self.call("DELETE", "/identityv2/data", json_body={"handle": handle}, what=_("删除标识"))

    def batch_create(self, bodies: list[dict]) -> list[dict]:
        return self._batch("POST", "/identityv2/data/batchCreate", bodies, _("批量注册标识"))

    def batch_update(self, bodies: list[dict]) -> list[dict]:
        return self._batch("PUT", "/identityv2/data/batchUpdate", bodies, _("批量更新标识"))

    def batch_delete(self, handles: list[str]) -> list[dict]:
        return self._batch("DELETE", "/identityv2/data/batchDelete", handles, _("批量删除标识"))

    def _batch(self, method: str, path: str, items: list, what: str) -> list[dict]:
        if len(items) > snms.BATCH_MAX:
            raise BusinessError(_("%(what)s: 每批最多 %(max)d 条") % {"what": what, "max": snms.BATCH_MAX})
        body = self.call(method, path, json_body=items, what=what)
        data = body.get("data")
        if not isinstance(data, list):
            raise TransientError(
                _("%(what)s: 上级节点返回的 data 不是逐条结果列表: %(data)s")
                % {"what": what, "data": str(data)[:200]}
            )
        return data

    # ------------------------------------------------------------ templates
    def template_get(self, prefix: str, version: str) -> dict | None:
        try:
            body = self.call(
                "GET",
                "/snms/api/v5/template",
                params={"prefix": prefix, "version": version},
                what=_("查询数据模板"),
            )
        except BusinessError:
            return None
        return body.get("data")

    def template_create(self, body: dict) -> None:
        self.call("POST", "/snms/api/v5/template", json_body=body, what=_("新增数据模板"))

    def template_update(self, body: dict) -> None:
        self.call("PUT", "/snms/api/v5/template", json_body=body, what=_("修改数据模板"))

    # ------------------------------------------------------------ prefixes / enterprises
    def prefix_query(self, prefix: str) -> dict | None:
        try:
            body = self.call("GET", "/snms/api/prefix/query", params={"prefix": prefix}, what=_("前缀查询"))
        except BusinessError as exc:
            if snms.is_not_found_message(exc.message):
                return None
            raise
        return body.get("data")

    def prefix_page(self, *, current_page: int = 1, page_size: int = 10, **filters) -> dict:
        params = {"currentPage": current_page, "pageSize": page_size, **filters}
        return self.call("GET", "/snms/api/prefix/page", params=params, what=_("前缀列表")).get("data") or {}

    def enterprise_apply(self, body: dict) -> None:
        self.call("POST", "/snms/api/v3/ent/apply", json_body=body, what=_("企业注册"))

    # ------------------------------------------------------------ our extension (reconciliation)
    def prefix_digest(self, prefix: str) -> dict | None:
        """None when the upstream does not offer the extension (a plain SNMS node)."""
        try:
            body = self.call(
                "GET", "/snms/api/ext/prefix/digest", params={"prefix": prefix}, what=_("前缀对账")
            )
        except (TransientError, BusinessError) as exc:
            if exc.http_status == 404:
                return None
            raise
        return body.get("data")

    def prefix_handles(self, prefix: str, *, after: str = "", size: int = 5000) -> dict:
        params = {"prefix": prefix, "after": after, "size": size}
        return (
            self.call("GET", "/snms/api/ext/prefix/handles", params=params, what=_("前缀对账明细")).get(
                "data"
            )
            or {}
        )
