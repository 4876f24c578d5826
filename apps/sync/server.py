"""The SNMS v5 API served by this node (field names and codes: apps/sync/snms.py).

Views are thin: they check the bearer token, turn the SNMS body into our terms and call the
registry services (``apps.identifiers.services``) — the same validation and audit as the
portal. Replies are always the ``{status, message, data}`` envelope.
"""

from __future__ import annotations

import hashlib
import json
import logging
from functools import wraps

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from apps.core import request_context
from apps.core.errors import ApplicationError
from apps.core.errors import PermissionDenied as CorePermissionDenied
from apps.identifiers.choices import IdentifierStatus, PrefixStatus
from apps.identifiers.models import Identifier, Prefix
from apps.sync import snms
from apps.sync.models import ApiToken

log = logging.getLogger(__name__)

HTTP_OF_STATUS = {snms.STATUS_UNAUTHENTICATED: 401, snms.STATUS_FORBIDDEN: 403, snms.STATUS_INTERNAL: 500}


def reply(status: int, message: str, data=None) -> JsonResponse:
    return JsonResponse(
        snms.envelope(status, message, data),
        status=HTTP_OF_STATUS.get(status, 200),
        json_dumps_params={"ensure_ascii": False},
    )


def ok(data=True) -> JsonResponse:
    return reply(snms.STATUS_OK, snms.MSG_SUCCESS, data)


def fail(message: str) -> JsonResponse:
    return reply(snms.STATUS_BUSINESS, message)


def _body(request):
    if not request.body:
        return None
    return json.loads(request.body.decode("utf-8"))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _message(exc: Exception) -> str:
    if isinstance(exc, ApplicationError):
        details = [f"{field}: {'；'.join(map(str, msgs))}" for field, msgs in (exc.errors or {}).items()]
        return str(exc.message) + (f"（{'；'.join(details)}）" if details else "")
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc)


def snms_view(methods: tuple[str, ...], *, auth: bool = True):
    """Envelope, method check, JSON parsing, bearer auth and the -4 catch-all for a view."""

    def decorate(func):
        @csrf_exempt
        @wraps(func)
        def view(request, *args, **kwargs):
            if request.method not in methods:
                return fail(f"不支持的请求方式: {request.method}")
            if auth:
                header = request.headers.get("Authorization", "")
                token = header[7:].strip() if header.lower().startswith("bearer ") else ""
                row = (
                    ApiToken.objects.select_related("user").filter(key_hash=_hash(token)).first()
                    if token
                    else None
                )
                if row is None or row.expires_at <= timezone.now() or not row.user.is_active:
                    return reply(snms.STATUS_UNAUTHENTICATED, "没有登录，需要验证")
                request.user = row.user
                current = request_context.current()
                request_context.set_for_request(
                    request_context.ActorContext(
                        user_id=row.user.pk,
                        actor_label=row.user.get_username(),
                        request_id=current.request_id,
                        client_ip=current.client_ip,
                    )
                )
            try:
                request.snms_body = _body(request)
            except (ValueError, UnicodeDecodeError):
                return fail("请求体不是合法的 JSON")
            try:
                return func(request, *args, **kwargs)
            except CorePermissionDenied as exc:
                return reply(snms.STATUS_FORBIDDEN, exc.message)
            except (ApplicationError, ValidationError) as exc:
                return fail(_message(exc))
            except Exception:  # the documented -4: never an HTML 500 page for an API client
                log.exception("SNMS API error")
                return reply(snms.STATUS_INTERNAL, "系统内部错误")

        return view

    return decorate


# ---------------------------------------------------------------- token
def _credentials(request) -> tuple[str, str]:
    body = request.snms_body if isinstance(request.snms_body, dict) else {}
    return str(body.get("username") or "")[:50], str(body.get("password") or "")[:64]


@snms_view(("POST",), auth=False)
def token_view(request):
    """明文传输: the password itself."""
    from apps.sync.services import api_password_digest_keep, api_token_issue

    username, password = _credentials(request)
    user = authenticate(request, username=username, password=password) if username and password else None
    if user is None:
        return fail(snms.MSG_BAD_CREDENTIALS)
    # An account whose password was set before /identity/token/v1 existed gets its digest now.
    api_password_digest_keep(user=user, password=password, unless_kept=True)
    return ok({"token": api_token_issue(user=user)})


@snms_view(("POST",), auth=False)
def token_v1_view(request):
    """密文传输: password = sha256(sha256(password) + "yyyy-MM-dd"), the park's date."""
    from apps.sync.services import api_token_issue, api_token_v1_user

    username, digest = _credentials(request)
    user = (
        api_token_v1_user(request=request, username=username, digest=digest) if username and digest else None
    )
    if user is None:
        return fail(snms.MSG_BAD_CREDENTIALS)
    return ok({"token": api_token_issue(user=user)})


# ---------------------------------------------------------------- permissions
def _is_park_staff(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "park_role", ""))


def _can_write_park(user) -> bool:
    return bool(
        getattr(user, "is_superuser", False)
        or getattr(user, "park_role", "") in ("park_admin", "park_operator")
    )


def _enterprise_ids(user) -> set[int]:
    from apps.accounts.models import Membership

    return set(Membership.objects.filter(user=user).values_list("enterprise_id", flat=True))


def _prefix_for(user, prefix_value: str, *, write: bool, cache: dict | None = None) -> Prefix:
    key = ("prefix", prefix_value.lower(), write)
    if cache is not None and key in cache:
        return cache[key]
    prefix = Prefix.objects.select_related("enterprise").filter(prefix__iexact=prefix_value).first()
    if prefix is None:
        raise ApplicationError(f"前缀不存在: {prefix_value}", code="prefix_not_found")
    if write:
        # The registry's rule (members of the enterprise; park managers for the operator's own).
        allowed = _registry_can_write(user, prefix.enterprise)
    else:
        allowed = _is_park_staff(user) or prefix.enterprise_id in _enterprise_ids(user)
    if not allowed:
        raise _Forbidden(f"没有权限操作前缀 {prefix.prefix}")
    if write and prefix.status != PrefixStatus.ACTIVE:
        raise ApplicationError(f"前缀 {prefix.prefix} 未生效", code="prefix_inactive")
    if cache is not None:
        cache[key] = prefix
    return prefix


class _Forbidden(Exception):
    pass


def _registry_can_write(user, enterprise) -> bool:
    try:
        from apps.identifiers.services import can_write
    except ImportError:
        return _can_write_park(user) or enterprise.pk in _enterprise_ids(user)
    return can_write(user, enterprise)


def _forbidden_guard(func):
    @wraps(func)
    def view(request, *args, **kwargs):
        try:
            return func(request, *args, **kwargs)
        except _Forbidden as exc:
            return reply(snms.STATUS_FORBIDDEN, str(exc))

    return view


# ---------------------------------------------------------------- templates
def _binding(prefix: Prefix, version: str):
    """The SNMS template made through the API under (prefix, version), if any."""
    from apps.sync.models import SnmsTemplateBinding

    return (
        SnmsTemplateBinding.objects.select_related("template_version__template")
        .filter(prefix__iexact=prefix.prefix, version=version)
        .first()
    )


def _binding_version(prefix: Prefix, version: str, binding=None):
    """The typed template version an SNMS (prefix, version) names (``binding``: its
    :func:`_binding`, when the caller has it already)."""
    from apps.metadata.choices import VersionStatus
    from apps.metadata.models import TemplateVersion

    binding = binding or _binding(prefix, version)
    if binding:
        return binding.template_version
    # Our own naming "<template code>-v<number>" (apps.metadata.exchange.snms_version_name).
    code, _sep, number = version.rpartition("-")
    number = number[1:] if number[:1] in ("v", "V") else number
    if code and number.isdigit():
        qs = TemplateVersion.objects.select_related("template").filter(
            template__code=code, number=int(number), status=VersionStatus.PUBLISHED
        )
        own = qs.filter(template__owner=prefix.enterprise).first()
        return own or qs.filter(template__owner__isnull=True).first()
    return None


@snms_view(("GET", "POST", "PUT", "DELETE"))
@_forbidden_guard
def template_view(request):
    from apps.sync import template_import

    if request.method == "GET":
        prefix_value, version = request.GET.get("prefix", ""), request.GET.get("version", "")
        if not prefix_value or not version:
            return fail("缺少必要的请求参数: prefix, version")
        prefix = _prefix_for(request.user, prefix_value, write=False)
        binding = _binding(prefix, version)
        tv = _binding_version(prefix, version, binding)
        if tv is None:
            return fail("模板不存在")
        from apps.sync.selectors import template_documented

        sent = binding.payload if binding else None
        return ok(template_documented(tv, prefix=prefix.prefix, version=version, sent=sent))
    body = request.snms_body or {}
    if not isinstance(body, dict) or not body.get("prefix") or not body.get("version"):
        return fail("缺少必要的请求参数: prefix, version")
    prefix = _prefix_for(request.user, str(body["prefix"]), write=True)
    if request.method == "DELETE":
        template_import.snms_template_delete(prefix=prefix, version=str(body["version"]), actor=request.user)
        return ok(True)
    template_import.snms_template_save(
        prefix=prefix, body=body, actor=request.user, create=request.method == "POST"
    )
    return ok(True)


# ---------------------------------------------------------------- identifiers
def _split_handle(handle: str) -> tuple[str, str]:
    if not isinstance(handle, str) or "/" not in handle or len(handle) > 255:
        raise ApplicationError(f"标识格式错误: {handle}", code="invalid_handle")
    prefix, suffix = handle.split("/", 1)
    return prefix, suffix


def _values_by_code(tv, value_list) -> dict:
    """SNMS ``value`` list → {item code: string}. index/type must match the template."""
    from apps.metadata.selectors import effective_items

    if not isinstance(value_list, list):
        raise ApplicationError("value 必须是数组", code="invalid_value")
    items = {int(item["index"]): item for item in effective_items(tv)}
    out = {}
    for entry in value_list:
        if not isinstance(entry, dict):
            raise ApplicationError("value 中的每一项必须是对象", code="invalid_value")
        try:
            index = int(entry.get("index"))
        except (TypeError, ValueError):
            raise ApplicationError("标识属性索引必须是整数", code="invalid_value") from None
        if index == 1001:
            raise ApplicationError("非法操作，索引1001为预留索引", code="reserved_index")
        item = items.get(index)
        if item is None:
            raise ApplicationError(f"非法操作，索引{index}在模板中不存在", code="unknown_index")
        if str(entry.get("type") or "") != item["code"]:
            raise ApplicationError(
                f"非法操作，索引{index}的类型应为{item['code']}，而不是{entry.get('type')}",
                code="type_mismatch",
            )
        data = entry.get("data") or {}
        value = data.get("value") if isinstance(data, dict) else None
        if value is None and isinstance(data, dict):
            value = data.get("vlaue")  # the documentation's own spelling in one table
        if value is not None and len(str(value)) > 255:
            raise ApplicationError(f"索引{index}的内容超过 255 个字符", code="too_long")
        out[item["code"]] = "" if value is None else str(value)
    return out


def _prepare(user, body: dict, *, write: bool = True, cache: dict | None = None):
    if not isinstance(body, dict):
        raise ApplicationError("请求体格式错误", code="invalid_body")
    handle = body.get("handle")
    prefix_value, suffix = _split_handle(handle)
    prefix = _prefix_for(user, prefix_value, write=write, cache=cache)
    version = str(body.get("templateVersion") or "")
    if not version:
        raise ApplicationError("缺少必要的请求参数: templateVersion", code="missing_template")
    key = ("template", prefix.pk, version)
    if cache is not None and key in cache:
        tv = cache[key]
    else:
        tv = _binding_version(prefix, version)
        if cache is not None:
            cache[key] = tv
    if tv is None:
        raise ApplicationError(f"模板版本不存在: {version}", code="template_not_found")
    return handle, prefix, suffix, tv, _values_by_code(tv, body.get("value"))


def _find(handle: str) -> Identifier | None:
    prefix_value, suffix = handle.split("/", 1) if "/" in handle else (handle, "")
    ident = Identifier.objects.filter(handle_ci=handle.lower()).first()
    if ident is None or ident.suffix != suffix:
        return None
    return ident


def _write_many(user, bodies: list, *, create: bool) -> list[dict]:
    """Register (create) or update identifiers through the registry's bulk service
    (``apps.identifiers.bulk.identifier_bulk_upsert``: the registration rules, audit and
    outbox, one transaction per template). Returns one ``{handle, code, msg}`` per body, in order."""
    from apps.identifiers.bulk import BulkRow, enterprise_prefix, identifier_bulk_upsert

    results: list[dict | None] = [None] * len(bodies)
    cache: dict = {}
    prepared: list[tuple[int, str, object, str, object, dict]] = []
    for i, body in enumerate(bodies):
        handle = body.get("handle") if isinstance(body, dict) else None
        try:
            handle, prefix, suffix, tv, values = _prepare(user, body, cache=cache)
        except _Forbidden as exc:
            results[i] = {"handle": handle, "code": snms.STATUS_FORBIDDEN, "msg": str(exc)}
            continue
        except (ApplicationError, ValidationError) as exc:
            results[i] = {"handle": handle, "code": snms.STATUS_BUSINESS, "msg": _message(exc)}
            continue
        prepared.append((i, handle, prefix, suffix, tv, values))
    existing = {
        rec[0]: rec
        for rec in Identifier.objects.filter(handle_ci__in=[p[1].lower() for p in prepared]).values_list(
            "handle_ci", "suffix", "status"
        )
    }
    groups: dict[tuple[int, int], list] = {}
    seen: dict[str, int] = {}  # lower-cased handle → the position that registers it
    repeats: dict[int, int] = {}
    for i, handle, prefix, suffix, tv, values in prepared:
        rec = existing.get(handle.lower())
        found = rec is not None and rec[1] == suffix
        if handle.lower() in seen:
            repeats[i] = seen[handle.lower()]
            results[i] = {"handle": handle, "code": snms.STATUS_BUSINESS, "msg": _("同一批中标识重复")}
        elif create and found:
            results[i] = {"handle": handle, "code": snms.STATUS_BUSINESS, "msg": snms.MSG_EXISTS}
        elif create and rec is not None:
            results[i] = {"handle": handle, "code": snms.STATUS_BUSINESS, "msg": "标识已存在（大小写不同）"}
        elif not create and (not found or rec[2] != IdentifierStatus.ACTIVE):
            results[i] = {"handle": handle, "code": snms.STATUS_BUSINESS, "msg": snms.MSG_NOT_FOUND_SINGLE}
        else:
            seen[handle.lower()] = i
            groups.setdefault((prefix.pk, tv.pk), []).append((i, handle, prefix, suffix, tv, values))
    for members in groups.values():
        prefix, tv = members[0][2], members[0][4]
        try:
            if enterprise_prefix(prefix.enterprise).pk != prefix.pk:
                raise ApplicationError(f"前缀 {prefix.prefix} 不是该企业当前的前缀", code="prefix_mismatch")
        except ApplicationError as exc:
            for i, handle, *_rest in members:
                results[i] = {"handle": handle, "code": snms.STATUS_BUSINESS, "msg": _message(exc)}
            continue
        todo = members
        for _attempt in (1, 2):  # a second pass without the rows the first refused
            rows = [
                BulkRow(label=i, object_code=suffix, values=values) for i, _h, _p, suffix, _t, values in todo
            ]
            outcome = identifier_bulk_upsert(
                actor=user, enterprise=prefix.enterprise, template_version=tv, rows=rows
            )
            if outcome.ok:
                for i, handle, *_rest in todo:
                    results[i] = {"handle": handle, "code": snms.STATUS_OK, "msg": snms.MSG_SUCCESS}
                break
            refused: dict[int, list[str]] = {}
            for error in outcome.errors:
                refused.setdefault(error.label, []).append(f"{error.code}: {error.message}")
            for i, handle, *_rest in todo:
                if i in refused:
                    results[i] = {
                        "handle": handle,
                        "code": snms.STATUS_BUSINESS,
                        "msg": "；".join(refused[i]),
                    }
            todo = [m for m in todo if m[0] not in refused]
            if not todo:
                break
        for i, handle, *_rest in todo:
            if results[i] is None:
                results[i] = {"handle": handle, "code": snms.STATUS_BUSINESS, "msg": "登记服务拒绝了该批数据"}
    if create:
        # A handle named again after its registration in this batch: it exists now, and the
        # documentation's example answers the second one so (handle-operate.md, 批量注册).
        for i, first in repeats.items():
            if results[first] and results[first]["code"] == snms.STATUS_OK:
                results[i]["msg"] = snms.MSG_EXISTS
    return [r for r in results if r is not None]


def _write_one(user, body, *, create: bool) -> JsonResponse:
    """One identifier: the registration services themselves (identifier_register / _update),
    exactly the portal's path. A template with a check character appends one to the object code,
    while an SNMS caller names the whole handle: those go through the bulk path, which keeps it."""
    from apps.identifiers import services

    handle, prefix, suffix, tv, values = _prepare(user, body)
    if not tv.template.use_check_character:
        existing = _find(handle)
        with transaction.atomic():
            if create:
                if existing is not None or Identifier.objects.filter(handle_ci=handle.lower()).exists():
                    return fail(snms.MSG_EXISTS)
                services.identifier_register(
                    actor=user,
                    enterprise=prefix.enterprise,
                    template_version=tv,
                    values=values,
                    object_code=suffix,
                )
            else:
                if existing is None or existing.status != IdentifierStatus.ACTIVE:
                    return fail(snms.MSG_NOT_FOUND_SINGLE)
                services.identifier_update(
                    actor=user, identifier=existing, values=values, template_version=tv
                )
        return ok(True)
    (result,) = _write_many(user, [body], create=create)
    if result["code"] == snms.STATUS_OK:
        return ok(True)
    if result["code"] == snms.STATUS_FORBIDDEN:
        return reply(snms.STATUS_FORBIDDEN, result["msg"])
    return fail(result["msg"])


def delete_one(user, handle, cache: dict | None = None, *, not_found: str = snms.MSG_NOT_FOUND) -> str:
    """Withdraw one identifier. The documentation words a missing handle differently for the
    single DELETE ("没有找到标识") and per item of batchDelete ("标识不存在")."""
    prefix_value, _suffix = _split_handle(handle)
    _prefix_for(user, prefix_value, write=True, cache=cache)
    ident = _find(handle)
    if ident is None or ident.status != IdentifierStatus.ACTIVE:
        raise ApplicationError(not_found, code="not_found")
    from apps.identifiers.services import identifier_withdraw

    identifier_withdraw(actor=user, identifier=ident, reason="SNMS")
    return handle


def _detail(request) -> JsonResponse:
    """handle-operate.md 查询标识: the registry's record through resolution (its cache, rate
    limit and counters) with the values the caller may read, and the ``templateVersion`` the
    SNMS API knows the identifier's template by."""
    from apps.resolution import resolver
    from apps.sync.selectors import identifier_detail

    handle = request.GET.get("handle", "").strip()
    if not handle:
        return fail(_("缺少必要的请求参数: handle"))
    outcome = resolver.resolve(request, handle)
    if outcome.http_status == 429:
        response = reply(snms.STATUS_BUSINESS, outcome.message)
        response.status_code = 429
        if outcome.retry_after is not None:
            response["Retry-After"] = str(outcome.retry_after)
        return response
    if not outcome.ok:
        return fail(outcome.message)
    return ok(identifier_detail(user=request.user, record=outcome.record))


@snms_view(("GET",))
def detail_view(request):
    return _detail(request)


@snms_view(("GET", "POST", "PUT", "DELETE"))
@_forbidden_guard
def data_view(request):
    if request.method == "GET":
        return _detail(request)
    body = request.snms_body
    if request.method == "DELETE":
        delete_one(
            request.user,
            (body or {}).get("handle") if isinstance(body, dict) else None,
            not_found=snms.MSG_NOT_FOUND_SINGLE,
        )
        return ok(True)
    return _write_one(request.user, body, create=request.method == "POST")


def _batch(request, func, items):
    if not isinstance(items, list):
        return fail("请求体必须是数组")
    if len(items) > snms.BATCH_MAX:
        return fail(f"批量操作最大支持{snms.BATCH_MAX}条")
    results = []
    cache: dict = {}  # prefix and template lookups, once per batch
    for item in items:
        handle = item.get("handle") if isinstance(item, dict) else item
        try:
            with transaction.atomic():
                func(request.user, item, cache)
            results.append({"handle": handle, "code": snms.STATUS_OK, "msg": snms.MSG_SUCCESS})
        except _Forbidden as exc:
            results.append({"handle": handle, "code": snms.STATUS_FORBIDDEN, "msg": str(exc)})
        except CorePermissionDenied as exc:
            results.append({"handle": handle, "code": snms.STATUS_FORBIDDEN, "msg": exc.message})
        except (ApplicationError, ValidationError) as exc:
            results.append({"handle": handle, "code": snms.STATUS_BUSINESS, "msg": _message(exc)})
    _after_batch_hook()
    return ok(results)


def _after_batch_hook() -> None:
    """Test/bench only: SNMS_TEST_DELAY_FILE names a file; while it exists the reply is held
    back that many seconds after the batch committed (a "committed but the reply timed out"
    upstream). Set by env var on the upstream process only."""
    import os
    import time

    path = os.environ.get("SNMS_TEST_DELAY_FILE")
    if path and os.path.exists(path):
        try:
            seconds = float(open(path).read().strip() or "0")
        except (OSError, ValueError):
            seconds = 0
        time.sleep(seconds)


def _batch_write(request, *, create: bool):
    items = request.snms_body
    if not isinstance(items, list):
        return fail("请求体必须是数组")
    if len(items) > snms.BATCH_MAX:
        return fail(f"批量操作最大支持{snms.BATCH_MAX}条")
    results = _write_many(request.user, items, create=create)
    _after_batch_hook()
    return ok(results)


@snms_view(("POST",))
def batch_create_view(request):
    return _batch_write(request, create=True)


@snms_view(("PUT",))
def batch_update_view(request):
    return _batch_write(request, create=False)


@snms_view(("DELETE",))
def batch_delete_view(request):
    return _batch(request, delete_one, request.snms_body)


# ---------------------------------------------------------------- prefixes
SNMS_OF_PREFIX_STATUS = {
    PrefixStatus.ACTIVE: snms.PREFIX_ENABLED,
    PrefixStatus.PENDING: snms.PREFIX_AWAITING_REVIEW,
    PrefixStatus.SUSPENDED: snms.PREFIX_DISABLED,
    PrefixStatus.REVOKED: snms.PREFIX_TO_DELETE,
}


def _park_name() -> str:
    from apps.tenants.selectors import park_get

    park = park_get()
    return park.name if park else ""


@snms_view(("GET",))
def prefix_query_view(request):
    from apps.tenants.choices import EnterpriseStatus
    from apps.tenants.models import Enterprise

    value = request.GET.get("prefix", "")
    if not value:
        return fail("缺少必要的请求参数: prefix")
    prefix = Prefix.objects.select_related("enterprise").filter(prefix__iexact=value).first()
    if prefix is not None:
        if not _is_park_staff(request.user) and prefix.enterprise_id not in _enterprise_ids(request.user):
            return reply(snms.STATUS_FORBIDDEN, "没有权限查看该前缀")
        ent = prefix.enterprise
        return ok(
            {
                "prefix": prefix.prefix,
                "createDate": timezone.localtime(prefix.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                "ghrName": _park_name(),
                "status": SNMS_OF_PREFIX_STATUS.get(prefix.status, snms.PREFIX_DISABLED),
                "entNameCn": ent.name,
                "entWebSite": "",
                "entIndustry": (ent.industry_code or "")[:1],
                "entAddrCn": ent.address,
                "entDesc": "",
            }
        )
    # Not a prefix yet: an enterprise application for it is awaiting review, or was refused.
    code = value.rsplit(".", 1)[-1]
    ent = Enterprise.objects.filter(code__iexact=code, is_park_operator=False).first()
    if ent is None:
        return fail("前缀不存在")
    status = {
        EnterpriseStatus.APPLIED: snms.PREFIX_AWAITING_REVIEW,
        EnterpriseStatus.APPROVED: snms.PREFIX_UNDER_REVIEW,
        EnterpriseStatus.REJECTED: snms.PREFIX_REJECTED,
        EnterpriseStatus.SUSPENDED: snms.PREFIX_DISABLED,
    }.get(ent.status, snms.PREFIX_UNDER_REVIEW)
    return ok(
        {
            "prefix": value,
            "createDate": timezone.localtime(ent.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            "ghrName": _park_name(),
            "status": status,
            "entNameCn": ent.name,
            "entWebSite": "",
            "entIndustry": (ent.industry_code or "")[:1],
            "entAddrCn": ent.address,
            "entDesc": ent.reject_reason,
        }
    )


@snms_view(("GET",))
def prefix_page_view(request):
    qs = Prefix.objects.select_related("enterprise").order_by("id")
    if not _is_park_staff(request.user):
        qs = qs.filter(enterprise_id__in=_enterprise_ids(request.user))
    if request.GET.get("entName"):
        qs = qs.filter(enterprise__name__icontains=request.GET["entName"])
    if request.GET.get("entPrefix"):
        qs = qs.filter(prefix__icontains=request.GET["entPrefix"])
    for param, lookup in (("startDate", "created_at__gte"), ("endDate", "created_at__lte")):
        if request.GET.get(param):
            from django.utils.dateparse import parse_datetime

            moment = parse_datetime(request.GET[param])
            if moment is None:
                return fail(f"{param} 格式应为 yyyy-MM-dd HH:mm:ss")
            qs = qs.filter(**{lookup: timezone.make_aware(moment) if timezone.is_naive(moment) else moment})
    try:
        page = max(1, int(request.GET.get("currentPage") or 1))
        size = max(1, min(1000, int(request.GET.get("pageSize") or 10)))
    except ValueError:
        return fail("currentPage / pageSize 必须是整数")
    total = qs.count()
    rows = list(qs[(page - 1) * size : page * size])
    pages = (total + size - 1) // size
    fmt = "%Y-%m-%d %H:%M:%S"
    return ok(
        {
            "first": page == 1,
            "last": page >= pages,
            "totalPages": pages,
            "totalElements": total,
            "number": page,
            "size": size,
            "sort": None,
            "numberOfElements": len(rows),
            "content": [
                {
                    "id": p.pk,
                    "createDate": timezone.localtime(p.created_at).strftime(fmt),
                    "updateDate": timezone.localtime(p.updated_at).strftime(fmt),
                    "entPrefix": p.prefix,
                    "entId": p.enterprise_id,
                    "state": 1 if p.status == PrefixStatus.ACTIVE else 0,
                    "entName": p.enterprise.name,
                    "proxyState": 4,
                }
                for p in rows
            ],
        }
    )


# ---------------------------------------------------------------- enterprise application
def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def ent_apply_problem(body: dict) -> str:
    """The first way ``body`` breaks the documented application (openApi/v5/ent.md), naming
    the field; empty when it follows it."""
    from django.utils.translation import gettext as _

    def missing(path: str) -> str:
        return _("缺少必要的请求参数: %(field)s") % {"field": path}

    for section, fields in snms.ENT_APPLY_REQUIRED.items():
        part = body.get(section)
        if not isinstance(part, dict):
            return missing(section)
        for field in fields:
            if _blank(part.get(field)):
                return missing(f"{section}.{field}")
    for path, allowed in snms.ENT_APPLY_ENUMS.items():
        section, field = path.split(".")
        if str(body[section][field]) not in allowed:
            return _("%(field)s 取值无效：%(value)s（可选：%(allowed)s）") % {
                "field": path,
                "value": body[section][field],
                "allowed": "、".join(sorted(allowed)),
            }
    for field in ("orgCrtImgRid", "legalCrtBackImgRid", "legalCrtFrontImgRid"):
        if not str(body["entBasicInfo"][field]).isdigit():
            return _("entBasicInfo.%(field)s 应为附件上传返回的编号") % {"field": field}
    systems = body["entRegisterManageInfo"]["entInfoSyses"]
    if not isinstance(systems, list):
        return missing("entRegisterManageInfo.entInfoSyses")
    seen = set()
    for i, system in enumerate(systems):
        path = f"entRegisterManageInfo.entInfoSyses[{i}]"
        if not isinstance(system, dict):
            return missing(path)
        for field in ("sysType", "deployMode"):
            if _blank(system.get(field)):
                return missing(f"{path}.{field}")
        mode = str(system["deployMode"])
        if mode not in ("1", "2"):
            return _("%(field)s 取值无效：%(value)s（可选：%(allowed)s）") % {
                "field": f"{path}.deployMode",
                "value": system["deployMode"],
                "allowed": "1、2",
            }
        needed = snms.ENT_DEPLOY_LOCAL_REQUIRED if mode == "1" else snms.ENT_DEPLOY_CLOUD_REQUIRED
        for field in needed:
            if _blank(system.get(field)):
                return missing(f"{path}.{field}")
        seen.add(str(system["sysType"]))
    for sys_type in snms.ENT_SYS_TYPES_REQUIRED:
        if str(sys_type) not in seen:
            return _("entRegisterManageInfo.entInfoSyses 缺少系统部署类型 %(type)s") % {"type": sys_type}
    return ""


@snms_view(("POST",))
def ent_apply_view(request):
    from apps.tenants.services import enterprise_apply

    body = request.snms_body or {}
    info = body.get("entBasicInfo") if isinstance(body, dict) else None
    if not isinstance(info, dict):
        return fail("缺少必要的请求参数: entBasicInfo")
    if not _can_write_park(request.user):
        return reply(snms.STATUS_FORBIDDEN, "只有管理员角色能调用该接口")
    problem = ent_apply_problem(body)
    if problem:
        return fail(problem)
    ent_prefix = str(info.get("entPrefix") or "")
    if not ent_prefix or "." not in ent_prefix:
        return fail("缺少必要的请求参数: entBasicInfo.entPrefix")
    from apps.tenants.selectors import park_get

    park = park_get()
    root, _dot, code = ent_prefix.rpartition(".")
    if park is not None and root.lower() != park.prefix_root.lower():
        return fail(f"企业前缀 {ent_prefix} 不属于本节点 {park.prefix_root}")
    industry = f"{info.get('industryCategory') or ''}{info.get('industrySpecific') or ''}"
    enterprise = enterprise_apply(
        name=str(info.get("orgName") or ""),
        credit_code=str(info.get("orgCrtCode") or ""),
        code=code,
        contact_name=str(info.get("contactName") or ""),
        contact_phone=str(info.get("contactPhone") or ""),
        contact_email=str(info.get("contactEmail") or ""),
        industry_code=industry,
        address=str(info.get("orgAddr") or ""),
    )
    from apps.sync.services import applicant_membership_grant

    applicant_membership_grant(user=request.user, enterprise=enterprise)
    return ok(True)


# ---------------------------------------------------------------- our reconciliation extension
@snms_view(("GET",))
def ext_digest_view(request):
    from apps.sync.services import local_digests

    prefix = _prefix_for(request.user, request.GET.get("prefix", ""), write=False)
    digests = local_digests(prefix)
    return ok(
        {
            "prefix": prefix.prefix,
            "count": len(digests),
            "checksum": snms.prefix_checksum(list(digests.items())),
        }
    )


@snms_view(("GET",))
def ext_handles_view(request):
    prefix = _prefix_for(request.user, request.GET.get("prefix", ""), write=False)
    after = (request.GET.get("after") or "").lower()
    size = max(1, min(10_000, int(request.GET.get("size") or 5000)))
    qs = Identifier.objects.filter(
        prefix=prefix, status=IdentifierStatus.ACTIVE, handle_ci__gt=after
    ).order_by("handle_ci")
    rows = list(qs.values_list("handle_ci", "values")[:size])
    items = [{"handle": h, "digest": snms.values_digest(snms.item_values(v))} for h, v in rows]
    return ok({"items": items, "next": rows[-1][0] if len(rows) == size else None})
