"""BID pages and the DID resolver endpoint.

Park domain: ``/1.0/identifiers/<did>`` (apps.bid.resolve through Django, when the resolution
server does not answer it), the park's BID page (AC code, its own BID and document, BIDs by
enterprise and type). Enterprise domain: its BIDs (state, key type, document), mapping the
enterprise or an object (single or a batch), the holder-signed update, rotation and
deactivation, the wallet binding and the wallet login of enterprise administrators.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tenants.utils import get_public_schema_name

from apps.accounts.decorators import park_role_required
from apps.bid import auth, documents, resolve, selectors, services
from apps.bid.choices import BidOperation, BidState, BidSubject
from apps.bid.forms import BatchForm, DeactivateForm, LookupForm, MapForm, RotateForm, UpdateForm, WalletForm
from apps.core.errors import ApplicationError
from apps.identifiers.views import portal_user


@csrf_exempt
def resolve_view(request, did: str):
    from apps.resolution.views import resolution_request

    reply = resolve.reply(resolution_request(request), did)
    response = HttpResponse(reply.body, status=reply.status, content_type=reply.content_type)
    for name, value in reply.headers:
        response[name] = value
    return response


# ---------------------------------------------------------------- pages


PARK_STAFF = ("park_admin", "park_operator", "park_auditor")
SIGNED_FORMS = {
    BidOperation.UPDATE: UpdateForm,
    BidOperation.ROTATE: RotateForm,
    BidOperation.DEACTIVATE: DeactivateForm,
}


def _enterprise():
    tenant = getattr(connection, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        raise Http404
    return tenant


def _bid(pk):
    bid = selectors.bid_get(_enterprise(), pk)
    if bid is None:
        raise Http404
    return bid


def _lookup(request, enterprise=None):
    form = LookupForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"].strip()
        bid = selectors.bid_lookup(did=q) if q.startswith("did:") else selectors.bid_lookup(handle=q)
        if bid is not None and (enterprise is None or bid.enterprise_id == enterprise.pk):
            return form, bid
        messages.info(request, _("没有找到对应的 BID 或标识"))
    return form, None


@portal_user
def bid_list_view(request):
    enterprise = _enterprise()
    lookup, found = _lookup(request, enterprise)
    if found is not None:
        return redirect("bid:detail", pk=found.pk)
    bids = list(selectors.bids_for(enterprise))
    return render(
        request,
        "bid/bid_list.html",
        {
            "bids": bids,
            "lookup": lookup,
            "has_enterprise_bid": any(
                b.subject == BidSubject.ENTERPRISE and b.state == BidState.ACTIVE for b in bids
            ),
            "can_write": services.may_manage(request.user, enterprise),
            "map_form": MapForm(),
            "batch_form": BatchForm(),
            "ac_code": documents.ac_code(),
        },
    )


def _private_key_once(request, issued_list):
    response = render(
        request, "bid/private_key_once.html", {"issued": [i for i in issued_list if i.private_key]}
    )
    response["Cache-Control"] = "no-store"
    return response


def _after_issue(request, issued_list):
    if any(i.private_key for i in issued_list):
        return _private_key_once(request, issued_list)
    return redirect("bid:detail", pk=issued_list[0].bid.pk)


@portal_user
@require_POST
def bid_map_view(request):
    from apps.identifiers.models import Identifier

    enterprise = _enterprise()
    if not services.may_manage(request.user, enterprise):
        raise PermissionDenied
    form = MapForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect("bid:list")
    data = form.cleaned_data
    key_args = {"public_key": data.get("public_key") or None, "key_type": data.get("generate") or None}
    try:
        if data["subject"] == BidSubject.ENTERPRISE:
            issued = services.bid_map_enterprise(actor=request.user, enterprise=enterprise, **key_args)
        else:
            identifier = Identifier.objects.filter(
                enterprise=enterprise, handle_ci=(data.get("handle") or "").strip().lower()
            ).first()
            if identifier is None:
                raise ApplicationError(_("本企业没有这个标识"))
            issued = services.bid_map_identifier(
                actor=request.user,
                identifier=identifier,
                use_terminal_key=data.get("use_terminal_key"),
                **key_args,
            )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("bid:list")
    messages.success(request, _("已映射 BID：%(did)s") % {"did": issued.bid.did})
    return _after_issue(request, [issued])


@portal_user
@require_POST
def bid_batch_view(request):
    from apps.identifiers.models import Identifier

    enterprise = _enterprise()
    if not services.may_manage(request.user, enterprise):
        raise PermissionDenied
    form = BatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
        return redirect("bid:list")
    handles = form.cleaned_data["handles"]
    found = {
        i.handle_ci: i
        for i in Identifier.objects.filter(enterprise=enterprise, handle_ci__in=[h.lower() for h in handles])
    }
    missing = [h for h in handles if h.lower() not in found]
    if missing:
        messages.error(request, _("本企业没有这些标识：%(list)s") % {"list": "、".join(missing[:20])})
        return redirect("bid:list")
    try:
        issued = services.bid_map_batch(
            actor=request.user,
            enterprise=enterprise,
            identifiers=[found[h.lower()] for h in handles],
            key_type=form.cleaned_data["generate"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("bid:list")
    messages.success(request, _("已映射 %(n)d 个 BID") % {"n": len(issued)})
    return _private_key_once(request, issued)


def _detail_context(request, bid, **extra):
    context = {
        "bid": bid,
        "keys": list(selectors.bid_keys(bid)),
        "document_json": json.dumps(bid.document, ensure_ascii=False, indent=2),
        "can_write": services.may_manage(request.user, bid.enterprise) and bid.state == BidState.ACTIVE,
        "forms": {op: form_class(prefix=op) for op, form_class in SIGNED_FORMS.items()},
        "payloads": {},
    }
    context.update(extra)
    return context


@portal_user
def bid_detail_view(request, pk: int):
    return render(request, "bid/bid_detail.html", _detail_context(request, _bid(pk)))


def _operation_body(operation, data) -> dict:
    if operation == BidOperation.UPDATE:
        return {"services": services.clean_services(data["services"])}
    if operation == BidOperation.ROTATE:
        return services.rotation_body(data.get("public_key"), data.get("generate") or None)
    return {"reason": (data.get("reason") or "").strip()}


@portal_user
@require_POST
def bid_operation_view(request, pk: int, operation: str):
    """A holder-signed change. Without a signature the page shows the payload to sign (the
    holder signs it with its wallet or the SDK and pastes the signature)."""
    bid = _bid(pk)
    if operation not in SIGNED_FORMS:
        raise Http404
    if not services.may_manage(request.user, bid.enterprise):
        raise PermissionDenied
    form = SIGNED_FORMS[operation](request.POST, prefix=operation)
    forms_ = {op: cls(prefix=op) for op, cls in SIGNED_FORMS.items()}
    forms_[operation] = form
    if form.is_valid():
        data = form.cleaned_data
        try:
            body = _operation_body(operation, data)
            if not data.get("signature"):
                payload = services.signing_payload(bid, operation, body)
                return render(
                    request,
                    "bid/bid_detail.html",
                    _detail_context(
                        request, bid, forms=forms_, payloads={operation: payload.decode()}, open=operation
                    ),
                )
            if operation == BidOperation.UPDATE:
                services.bid_update(
                    actor=request.user, bid=bid, services=body["services"], signature=data["signature"]
                )
            elif operation == BidOperation.ROTATE:
                issued = services.bid_rotate(
                    actor=request.user,
                    bid=bid,
                    signature=data["signature"],
                    public_key=data.get("public_key") or None,
                    key_type=data.get("generate") or None,
                )
                if issued.private_key:
                    return _private_key_once(request, [issued])
            else:
                services.bid_deactivate(
                    actor=request.user, bid=bid, reason=body["reason"], signature=data["signature"]
                )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("BID 文档已更新"))
            return redirect("bid:detail", pk=bid.pk)
    return render(
        request,
        "bid/bid_detail.html",
        _detail_context(request, bid, forms=forms_, open=operation),
        status=400,
    )


@park_role_required(*PARK_STAFF)
def park_bid_view(request):
    lookup, found = _lookup(request)
    park = selectors.park_bid()
    return render(
        request,
        "bid/park.html",
        {
            "park": park,
            "ac_code": documents.ac_code(),
            "document_json": json.dumps(park.document, ensure_ascii=False, indent=2),
            "stats": selectors.park_statistics(),
            "lookup": lookup,
            "found": found,
        },
    )


# ---------------------------------------------------------------- wallet login
def _wallet_mode() -> str:
    from django.conf import settings

    return getattr(settings, "BID_WALLET_LOGIN", "off")


def _client(request) -> str:
    from apps.core.clients import client_address

    return client_address(request) or ""


def _wallet_round(request, data: dict, session_key: str, purpose: str):
    """One round of BIDAuth on a page: without a signature, a random code for the BID (kept in the
    session under ``session_key``); with one, the code's check. The verified answer, or None
    after a challenge."""
    if not data.get("sign_data"):
        answer = auth.challenge(did=data["bid"], client=_client(request))
        request.session[session_key] = {"bid": answer["bid"], "code": answer["randomCode"]}
        return None
    pending = request.session.get(session_key)
    if not pending:
        raise ApplicationError(_("请先获取随机码"))
    return auth.verify(
        payload={
            "bid": pending["bid"],
            "randomCode": pending["code"],
            "publicKey": data["public_key"],
            "signData": data["sign_data"],
        },
        client=_client(request),
        purpose=purpose,
    )


@portal_user
def wallet_bind_view(request):
    """An enterprise administrator binds a BID it controls (BIDAuth) for the wallet login."""
    from apps.accounts.selectors import is_enterprise_admin
    from apps.bid.models import WalletLogin

    enterprise = _enterprise()
    if not is_enterprise_admin(user=request.user, enterprise=enterprise):
        raise PermissionDenied
    form = WalletForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verified = _wallet_round(request, form.cleaned_data, "bid_wallet_bind", "wallet_bind")
            if verified is not None:
                services.wallet_bind(user=request.user, enterprise=enterprise, verified=verified)
                request.session.pop("bid_wallet_bind", None)
                messages.success(request, _("已绑定 BID 钱包：%(did)s") % {"did": verified.bid.did})
                return redirect("bid:wallet")
        except ApplicationError as exc:
            form.add_error(None, exc.message)
    binding = WalletLogin.objects.filter(user=request.user).first()
    challenge = request.session.get("bid_wallet_bind")
    return render(
        request,
        "bid/wallet.html",
        {"form": form, "challenge": challenge, "binding": binding, "mode": _wallet_mode()},
    )


def wallet_login_view(request):
    """Log in with a 星火 wallet: the BID's random code signed (signAuth), and the password too
    when the park asks for both (BID_WALLET_LOGIN = second_factor). Enterprise administrators
    with a bound wallet only."""
    from apps.accounts.selectors import is_enterprise_admin
    from apps.bid.models import WalletLogin

    enterprise = _enterprise()
    mode = _wallet_mode()
    if mode not in ("second_factor", "alone"):
        raise Http404
    form = WalletForm(request.POST or None, login_mode=mode)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            verified = _wallet_round(request, data, "bid_wallet_login", "wallet_login")
            if verified is not None:
                binding = WalletLogin.objects.select_related("user").filter(did=verified.bid.did).first()
                user = binding.user if binding is not None else None
                if mode == "second_factor":
                    password_user = authenticate(
                        request, username=data.get("username"), password=data.get("password")
                    )
                    if password_user is None or user is None or password_user.pk != user.pk:
                        user = None
                if (
                    user is None
                    or not user.is_active
                    or not is_enterprise_admin(user=user, enterprise=enterprise)
                ):
                    raise ApplicationError(_("该 BID 未绑定本企业管理员，或用户名、密码不正确"))
                request.session.pop("bid_wallet_login", None)
                login(request, user, backend="apps.accounts.backends.LockoutModelBackend")
                return redirect("/")
        except ApplicationError as exc:
            form.add_error(None, exc.message)
    pending = request.session.get("bid_wallet_login")
    return render(request, "bid/wallet_login.html", {"form": form, "pending": pending, "mode": mode})
