"""BID writes: mapping an enterprise or an identifier object onto a BID, the holder's signed
updates (services, key rotation, deactivation) and the registrar's own acts (the park's BID,
deactivating the BIDs of retired objects).

Every write rebuilds the document (apps.bid.documents: pydid, signed by the registrar), audits,
and after commit drops the BID from every process's resolution cache (the Handle caches'
invalidation channel, keyed by the lowercased BID, which never contains the '/' every handle
has). A mapped identifier's record gets a ``BID`` value (index ``INDEX_BID``) through the
registry's own door, so Handle clients see the BID and the change is synced and audited.

Holder-signed operations: the holder signs the canonical JSON (sorted keys, no spaces, UTF-8) of
``{"bid", "version": <current version + 1>, "operation": "update"|"rotate"|"deactivate", …}``
with the BID's current key (``signing_payload`` builds it; the API's ``prepare`` returns it). The
version makes a signature good for one change only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_write
from apps.bid import codec, documents
from apps.bid.choices import BidKeyType, BidState, BidSubject
from apps.bid.models import Bid, BidKey
from apps.core.errors import ApplicationError, PermissionDenied

INDEX_BID = 510  # the record's BID value: outside the template (≥ 1000) and terminals' 300–499
RECORD_TYPES = {"BID"}
OBJECT_TYPE = "bid.Bid"
MAX_SERVICES = 10
_FRAGMENT = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_ENDPOINT = re.compile(r"^https?://[^\s]{1,490}$")


@dataclass
class Issued:
    bid: Bid
    private_key: str | None  # BIF's pri… form when the portal generated the key: shown once


# ---------------------------------------------------------------- rules
def may_manage(actor, enterprise) -> bool:
    """Who maps, rotates and deactivates an enterprise's BIDs: its writing members (the
    registry's rule: nobody while the enterprise or its prefix is suspended)."""
    from apps.identifiers.services import can_write

    return enterprise is not None and can_write(actor, enterprise)


def _assert_manager(actor, bid_or_enterprise) -> None:
    enterprise = getattr(bid_or_enterprise, "enterprise", bid_or_enterprise)
    if isinstance(bid_or_enterprise, Bid) and bid_or_enterprise.subject == BidSubject.PARK:
        if getattr(actor, "is_park_admin", False):
            return
        raise PermissionDenied(_("只有园区管理员可以管理园区节点的 BID"))
    if not may_manage(actor, enterprise):
        raise PermissionDenied(_("只有本企业成员可以管理本企业的 BID"))


def _key_or_generate(public_key, key_type) -> tuple[codec.BidKey, str | None]:
    if isinstance(public_key, codec.BidKey):
        return public_key, None
    if public_key and str(public_key).strip():
        return codec.parse_public_key(str(public_key)), None
    pair = codec.generate(key_type or BidKeyType.SM2)
    return pair.key, pair.encoded_private_key


def _audit(action: str, bid: Bid, changes: dict) -> None:
    audit_write(
        action=action,
        object_type=OBJECT_TYPE,
        object_id=bid.pk,
        object_repr=bid.did,
        changes=changes,
        tenant_schema=bid.enterprise.schema_name if bid.enterprise_id else None,
    )


# ---------------------------------------------------------------- documents
def _document_inputs(bid: Bid) -> dict:
    from apps.identifiers.models import INDEX_TEMPLATE_ID

    also_known_as, attributes, equipment = [], [], False
    if bid.identifier_id:
        identifier = bid.identifier
        also_known_as.append(f"hdl:{identifier.handle}")
        for value in identifier.values or []:  # the registry's values: public ones only
            if int(value.get("index", 0)) >= INDEX_TEMPLATE_ID and not str(value.get("type", "")).startswith(
                "HS_"
            ):
                attributes.append(
                    {"key": value["type"], "value": str((value.get("data") or {}).get("value", ""))}
                )
        equipment = hasattr(identifier, "terminal")
    elif bid.subject == BidSubject.ENTERPRISE and bid.enterprise_id:
        from apps.identifiers.choices import PrefixStatus
        from apps.identifiers.models import Prefix

        for prefix in Prefix.objects.filter(
            enterprise_id=bid.enterprise_id, status=PrefixStatus.ACTIVE
        ).order_by("prefix"):
            also_known_as.append(f"hdl:{prefix.prefix}")
        attributes = [
            {"key": "name", "value": bid.enterprise.name},
            {"key": "code", "value": bid.enterprise.code},
        ]
    return {"also_known_as": also_known_as, "attributes": attributes, "equipment": equipment}


def _rebuild(bid: Bid, *, now=None) -> None:
    now = now or timezone.now()
    keys = [
        {"number": k.number, "key_type": k.key_type, "public_key": k.public_key, "revoked_at": k.revoked_at}
        for k in BidKey.objects.filter(bid=bid).order_by("number")
    ]
    bid.document = documents.build(
        did=bid.did,
        subject=bid.subject,
        keys=keys,
        created=bid.created_at or now,
        updated=now,
        services=bid.services,
        deactivated=bid.state == BidState.DEACTIVATED,
        **_document_inputs(bid),
    )
    bid.save()
    did = bid.did
    transaction.on_commit(lambda: invalidate(did))


def invalidate(did: str) -> None:
    from apps.resolution import cache

    cache.invalidate_handles([did])


# ---------------------------------------------------------------- mapping
def _create(*, actor, subject, enterprise, identifier, key, generated, billing_prefix) -> Bid:
    did = key.bid(documents.ac_code())
    if Bid.objects.filter(did=did).exists():
        message = _("该公钥对应的 BID 已经登记")
        raise ApplicationError(message, errors={"public_key": [message]}, code="bid_exists")
    now = timezone.now()
    bid = Bid(
        did=did,
        ac_code=documents.ac_code(),
        subject=subject,
        enterprise=enterprise,
        identifier=identifier,
        key_type=key.key_type,
        key_generated_by_portal=generated,
        billing_prefix=billing_prefix[:64],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    bid.save()
    BidKey.objects.create(bid=bid, number=1, key_type=key.key_type, public_key=key.encoded, created_at=now)
    _rebuild(bid, now=now)
    _audit(
        "bid.map",
        bid,
        {
            "did": [None, did],
            "subject": [None, subject],
            "key_type": [None, key.key_type],
            "generated": [None, generated],
        },
    )
    return bid


def _enterprise_prefix(enterprise) -> str:
    from apps.identifiers.choices import PrefixStatus
    from apps.identifiers.models import Prefix

    return (
        Prefix.objects.filter(enterprise=enterprise, status=PrefixStatus.ACTIVE)
        .order_by("prefix")
        .values_list("prefix", flat=True)
        .first()
        or ""
    )


@transaction.atomic
def bid_map_enterprise(*, actor, enterprise, public_key=None, key_type: str | None = None) -> Issued:
    """The enterprise's own BID (one active at a time; an approved enterprise's)."""
    from apps.tenants.choices import EnterpriseStatus

    _assert_manager(actor, enterprise)
    if enterprise.status not in (EnterpriseStatus.APPROVED, EnterpriseStatus.ACTIVE):
        raise ApplicationError(_("企业获批后才能映射 BID"), code="enterprise_not_approved")
    if Bid.objects.filter(
        subject=BidSubject.ENTERPRISE, enterprise=enterprise, state=BidState.ACTIVE
    ).exists():
        raise ApplicationError(_("企业已有有效的 BID"), code="already_mapped")
    key, private = _key_or_generate(public_key, key_type)
    bid = _create(
        actor=actor,
        subject=BidSubject.ENTERPRISE,
        enterprise=enterprise,
        identifier=None,
        key=key,
        generated=private is not None,
        billing_prefix=_enterprise_prefix(enterprise),
    )
    return Issued(bid, private)


def terminal_key(identifier) -> codec.BidKey | None:
    """The active credential key of the terminal ``identifier`` is, as a BID key (SM2/Ed25519)."""
    import base64

    from apps.terminals import keys as terminal_keys
    from apps.terminals.choices import CredentialState
    from apps.terminals.models import TerminalCredential

    credential = (
        TerminalCredential.objects.filter(terminal__identifier=identifier, state=CredentialState.ACTIVE)
        .order_by("-created_at")
        .first()
    )
    if credential is None or credential.algorithm not in BidKeyType.values:
        return None
    parsed = terminal_keys.PublicKey(credential.algorithm, base64.b64decode(credential.public_key))
    return codec.from_terminal_key(parsed)


@transaction.atomic
def bid_map_identifier(
    *, actor, identifier, public_key=None, key_type: str | None = None, use_terminal_key: bool = False
) -> Issued:
    """An identifier object's BID: the holder's public key, the terminal's credential key, or a
    key pair generated here (the private key returned once)."""
    from apps.identifiers.choices import IdentifierStatus
    from apps.identifiers.services import identifier_protocol_values_set

    _assert_manager(actor, identifier.enterprise)
    if identifier.status != IdentifierStatus.ACTIVE:
        raise ApplicationError(_("标识已注销，不能映射 BID"), code="withdrawn")
    if Bid.objects.filter(identifier=identifier).exists():
        raise ApplicationError(_("该标识已映射 BID"), code="already_mapped")
    if use_terminal_key:
        key = terminal_key(identifier)
        if key is None:
            raise ApplicationError(
                _("该标识不是终端，或终端没有 SM2/Ed25519 的有效凭证"), code="no_terminal_key"
            )
        private = None
    else:
        key, private = _key_or_generate(public_key, key_type)
    bid = _create(
        actor=actor,
        subject=BidSubject.IDENTIFIER,
        enterprise=identifier.enterprise,
        identifier=identifier,
        key=key,
        generated=private is not None,
        billing_prefix=identifier.prefix.prefix,
    )
    identifier_protocol_values_set(
        actor=actor,
        identifier=identifier,
        types=RECORD_TYPES,
        values=[{"index": INDEX_BID, "type": "BID", "data": {"format": "string", "value": bid.did}}],
    )
    return Issued(bid, private)


@transaction.atomic
def bid_map_batch(*, actor, enterprise, identifiers: list, key_type: str | None = None) -> list[Issued]:
    """Many objects at once, each with a generated key; all or nothing."""
    if not identifiers:
        raise ApplicationError(_("请选择要映射的标识"), code="empty")
    issued = []
    for identifier in identifiers:
        if identifier.enterprise_id != enterprise.pk:
            raise PermissionDenied(_("只有本企业成员可以管理本企业的 BID"))
        issued.append(bid_map_identifier(actor=actor, identifier=identifier, key_type=key_type))
    return issued


# ---------------------------------------------------------------- holder-signed changes
def current_key(bid: Bid) -> BidKey | None:
    return BidKey.objects.filter(bid=bid, revoked_at__isnull=True).order_by("-number").first()


def signing_payload(bid: Bid, operation: str, body: dict) -> bytes:
    return documents.canonical({"bid": bid.did, "version": bid.version + 1, "operation": operation, **body})


def _check_signature(bid: Bid, payload: bytes, signature: str) -> None:
    signature = (signature or "").strip()
    if not signature:
        message = _("该变更须由 BID 持有者用当前密钥签名")
        raise ApplicationError(message, errors={"signature": [message]}, code="signature_required")
    key = current_key(bid)
    try:
        raw = bytes.fromhex(signature)
    except ValueError:
        raw = b""
    if key is None or not raw or not codec.verify(codec.parse_public_key(key.public_key), raw, payload):
        message = _("签名验证失败：须由 BID 当前密钥对本次变更签名")
        raise ApplicationError(message, errors={"signature": [message]}, code="bad_signature")


def _locked(bid: Bid) -> Bid:
    locked = (
        Bid.objects.select_for_update(of=("self",)).select_related("enterprise", "identifier").get(pk=bid.pk)
    )
    if locked.state != BidState.ACTIVE:
        raise ApplicationError(_("BID 已停用"), code="bid_deactivated")
    return locked


def clean_services(services) -> list[dict]:
    if not isinstance(services, list) or len(services) > MAX_SERVICES:
        raise ApplicationError(_("服务最多 %(n)d 项") % {"n": MAX_SERVICES}, code="invalid_services")
    cleaned, seen = [], {"resolver"}
    for index, service in enumerate(services):
        service = service if isinstance(service, dict) else {}
        fragment = str(service.get("id", "")).lstrip("#")
        kind = str(service.get("type", "")).strip()
        endpoint = str(service.get("serviceEndpoint", "")).strip()
        if not _FRAGMENT.match(fragment) or fragment in seen:
            message = _("第 %(n)d 项服务的 id 应为 1–32 位字母、数字、- 或 _，且不重复") % {"n": index + 1}
            raise ApplicationError(
                message, errors={f"services.{index}.id": [message]}, code="invalid_services"
            )
        if not (0 < len(kind) <= 64):
            message = _("第 %(n)d 项服务的类型不能为空") % {"n": index + 1}
            raise ApplicationError(
                message, errors={f"services.{index}.type": [message]}, code="invalid_services"
            )
        if not _ENDPOINT.match(endpoint):
            message = _("第 %(n)d 项服务的地址应为 http(s) URL") % {"n": index + 1}
            raise ApplicationError(
                message, errors={f"services.{index}.serviceEndpoint": [message]}, code="invalid_services"
            )
        seen.add(fragment)
        cleaned.append({"id": f"#{fragment}", "type": kind, "serviceEndpoint": endpoint})
    return cleaned


@transaction.atomic
def bid_update(*, actor, bid: Bid, services, signature: str) -> Bid:
    """Replace the holder's services; signed by the holder."""
    _assert_manager(actor, bid)
    bid = _locked(bid)
    services = clean_services(services)
    _check_signature(bid, signing_payload(bid, "update", {"services": services}), signature)
    before = bid.services
    bid.services = services
    bid.version += 1
    _rebuild(bid)
    _audit("bid.update", bid, {"services": [before, services], "version": [bid.version - 1, bid.version]})
    return bid


def rotation_body(public_key=None, key_type: str | None = None) -> dict:
    if public_key and str(public_key).strip():
        return {"publicKey": codec.parse_public_key(str(public_key)).encoded}
    return {"generate": key_type or BidKeyType.SM2}


@transaction.atomic
def bid_rotate(*, actor, bid: Bid, signature: str, public_key=None, key_type: str | None = None) -> Issued:
    """A new key for the BID (the BID stays); the old key stays listed, revoked now."""
    _assert_manager(actor, bid)
    bid = _locked(bid)
    body = rotation_body(public_key, key_type)
    _check_signature(bid, signing_payload(bid, "rotate", body), signature)
    if "publicKey" in body:
        key, private = codec.parse_public_key(body["publicKey"]), None
    else:
        key, private = _key_or_generate(None, body["generate"])
    if BidKey.objects.filter(bid=bid, public_key=key.encoded).exists():
        message = _("新公钥不能是该 BID 用过的公钥")
        raise ApplicationError(message, errors={"public_key": [message]}, code="key_reused")
    now = timezone.now()
    old = current_key(bid)
    BidKey.objects.filter(pk=old.pk).update(revoked_at=now)
    BidKey.objects.create(
        bid=bid, number=old.number + 1, key_type=key.key_type, public_key=key.encoded, created_at=now
    )
    bid.key_type = key.key_type
    bid.key_generated_by_portal = private is not None
    bid.version += 1
    _rebuild(bid, now=now)
    _audit(
        "bid.rotate",
        bid,
        {
            "key": [f"#key-{old.number}", f"#key-{old.number + 1}"],
            "public_key": [old.public_key, key.encoded],
        },
    )
    return Issued(bid, private)


def _deactivate(bid: Bid, reason: str, *, action: str) -> Bid:
    now = timezone.now()
    bid.state = BidState.DEACTIVATED
    bid.deactivated_at = now
    bid.deactivation_reason = (reason or "")[:300]
    bid.version += 1
    _rebuild(bid, now=now)
    _audit(action, bid, {"state": [BidState.ACTIVE, BidState.DEACTIVATED], "reason": [None, reason]})
    return bid


@transaction.atomic
def bid_deactivate(*, actor, bid: Bid, reason: str, signature: str) -> Bid:
    """The holder retires its BID (signed). It still resolves, as deactivated."""
    _assert_manager(actor, bid)
    bid = _locked(bid)
    reason = (reason or "").strip()
    if not reason:
        message = _("请填写原因")
        raise ApplicationError(message, errors={"reason": [message]}, code="reason_required")
    _check_signature(bid, signing_payload(bid, "deactivate", {"reason": reason}), signature)
    return _deactivate(bid, reason, action="bid.deactivate")


def bids_retire(*, identifier_ids=(), enterprise_ids=(), reason: str) -> int:
    """The registrar deactivates the BIDs of retired objects (a withdrawn identifier) or of a
    revoked enterprise: no holder signature, the subject is gone."""
    from django.db.models import Q

    query = Q(identifier_id__in=list(identifier_ids)) | Q(enterprise_id__in=list(enterprise_ids))
    count = 0
    with transaction.atomic():
        for bid in Bid.objects.select_for_update().filter(query, state=BidState.ACTIVE):
            _deactivate(bid, reason, action="bid.retire")
            count += 1
    return count


# ---------------------------------------------------------------- the park's own BID
def park_bid_refresh() -> Bid:
    """The park node's BID (the registrar key's), created on first use; its document is rebuilt
    with the verification methods other apps registered (apps.bid.registry)."""
    did = documents.park_did()
    with transaction.atomic():
        bid = Bid.objects.select_for_update().filter(did=did).first()
        if bid is None:
            key = documents.registrar().key
            bid = Bid.objects.create(
                did=did, ac_code=documents.ac_code(), subject=BidSubject.PARK, key_type=key.key_type
            )
            BidKey.objects.create(
                bid=bid, number=1, key_type=key.key_type, public_key=key.encoded, created_at=timezone.now()
            )
            _audit("bid.map", bid, {"did": [None, did], "subject": [None, BidSubject.PARK]})
        _rebuild(bid)
    return bid


# ---------------------------------------------------------------- templates and Excel
KEY_ITEM = "bid_public_key"  # the template item (form field, Excel column) holding the holder's key


def bid_template(template):
    """The BID setting of ``template`` or of its nearest ancestor; None: not mapped on registration."""
    from apps.bid.models import BidTemplate

    seen = 0
    while template is not None and seen < 10:
        setting = BidTemplate.objects.filter(template_id=template.pk).first()
        if setting is not None:
            return setting
        template, seen = template.parent, seen + 1
    return None


def bid_template_set(*, actor, template, auto_map: bool = True, use_terminal_key: bool = False):
    """Say whether a template's identifiers get a BID on registration (park staff for shared
    templates, the owning enterprise's members for its own)."""
    from apps.bid.models import BidTemplate

    owner = getattr(template, "owner", None)
    if owner is not None:
        _assert_manager(actor, owner)
    elif not getattr(actor, "is_park_admin", False):
        raise PermissionDenied(_("只有园区管理员可以设置共享模板"))
    setting, _created = BidTemplate.objects.update_or_create(
        template=template, defaults={"auto_map": auto_map, "use_terminal_key": use_terminal_key}
    )
    audit_write(
        action="bid.template",
        object_type="metadata.MetadataTemplate",
        object_id=template.pk,
        object_repr=str(template),
        changes={"auto_map": [None, auto_map], "use_terminal_key": [None, use_terminal_key]},
    )
    return setting


def _key_value(identifier, restricted: dict | None = None) -> str:
    for value in identifier.values or []:
        if value.get("type") == KEY_ITEM:
            return str((value.get("data") or {}).get("value", "")).strip()
    return str((restricted or {}).get(KEY_ITEM, "")).strip()


def _restricted_keys(enterprise, identifier_ids: list[int]) -> dict[int, dict]:
    from apps.enterprise_data.models import RestrictedValues
    from apps.enterprise_data.services import restricted_context

    with restricted_context(enterprise):
        return {
            row.identifier_id: row.as_dict()
            for row in RestrictedValues.objects.filter(identifier_id__in=identifier_ids)
        }


def _auto_map(identifier, setting, actor, restricted: dict | None) -> bool:
    """Map one identifier by its template's setting; False when it has no key to map with."""
    if setting.use_terminal_key and terminal_key(identifier) is not None:
        bid_map_identifier(actor=actor, identifier=identifier, use_terminal_key=True)
        return True
    key = _key_value(identifier, restricted)
    if not key:
        return False
    bid_map_identifier(actor=actor, identifier=identifier, public_key=key)
    return True


def _refused(identifier, message: str, **changes) -> None:
    audit_write(
        action="bid.map.refused",
        object_type="identifiers.Identifier",
        object_id=identifier.pk,
        object_repr=identifier.handle,
        changes={"reason": [None, message], **{k: [None, v] for k, v in changes.items()}},
        tenant_schema=identifier.enterprise.schema_name,
    )


def bid_auto_map(*, identifier_id: int) -> bool:
    """After a registration commits (a form, the API, a terminal's enrolment): the BID its
    template asks for. A key that does not parse is audited and skipped."""
    from apps.identifiers.models import Identifier

    identifier = (
        Identifier.objects.select_related(
            "enterprise", "prefix", "template_version__template", "registered_by"
        )
        .filter(pk=identifier_id)
        .first()
    )
    if identifier is None or Bid.objects.filter(identifier=identifier).exists():
        return False
    setting = bid_template(identifier.template_version.template)
    if setting is None or not setting.auto_map:
        return False
    restricted = _restricted_keys(identifier.enterprise, [identifier.pk]).get(identifier.pk)
    try:
        with transaction.atomic():
            return _auto_map(identifier, setting, identifier.registered_by, restricted)
    except ApplicationError as exc:
        _refused(identifier, exc.message)
        return False


def bids_map_imported(*, job_id: int) -> dict:
    """After an Excel import (apps.imports' ``import_applied``) under a template that asks for
    BIDs: every identifier of the job's template version without a BID and with a key in the
    ``bid_public_key`` column (or a terminal credential, if the template says so) is mapped, as
    the job's creator. Run again, nothing changes."""
    from apps.identifiers.choices import IdentifierStatus
    from apps.identifiers.models import Identifier
    from apps.imports.models import ImportJob

    job = ImportJob.objects.select_related("enterprise", "template_version__template", "created_by").get(
        pk=job_id
    )
    setting = bid_template(job.template_version.template)
    if setting is None or not setting.auto_map:
        return {"mapped": 0, "refused": 0}
    candidates = list(
        Identifier.objects.select_related("enterprise", "prefix").filter(
            enterprise=job.enterprise,
            template_version=job.template_version,
            status=IdentifierStatus.ACTIVE,
            bid__isnull=True,
        )
    )
    restricted = _restricted_keys(job.enterprise, [i.pk for i in candidates])
    mapped = refused = 0
    for identifier in candidates:
        try:
            with transaction.atomic():
                mapped += _auto_map(identifier, setting, job.created_by, restricted.get(identifier.pk))
        except ApplicationError as exc:
            refused += 1
            _refused(identifier, exc.message, import_job=job.pk)
    return {"mapped": mapped, "refused": refused}


def wallet_bind(*, user, enterprise, verified):
    """Bind the BID ``verified`` proved control of to ``user`` for the wallet login: one wallet
    per administrator, one administrator per BID (a BID bound before moves to this one)."""
    from apps.bid.models import WalletLogin

    WalletLogin.objects.filter(did=verified.bid.did).exclude(user=user).delete()
    binding, _created = WalletLogin.objects.update_or_create(
        user=user,
        defaults={
            "did": verified.bid.did,
            "public_key": verified.key.public_key,
            "enterprise": enterprise,
            "created_at": timezone.now(),
        },
    )
    return binding
