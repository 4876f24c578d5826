"""Witnessing: this node cosigns other park nodes' tree heads, and detects split views.

A witness polls a watched log's latest tree head (``ct/v2/get-sth``), checks its SM2 signature
under the log's key, and checks it is consistent with the last head it cosigned (a consistency
proof from ``ct/v2/get-sth-consistency``, verified here with RFC 9162 2.1.4.2). Consistent: it
cosigns the head with this node's log key and posts the cosignature (``ct/v2/add-cosignature``).
Not consistent — a smaller tree, the same size with another root, or a proof that fails — is a
split view: it refuses to sign, raises an alert here and reports both signed heads to the log
(``ct/v2/report-split-view``, signed), which raises the alert there too.
"""

from __future__ import annotations

import base64
import logging

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.evidence import log as evlog
from apps.evidence import merkle
from apps.evidence import sth as sth_format
from apps.evidence.choices import AlertKind
from apps.evidence.models import WatchedLog
from apps.evidence.services import alert_raise, signature_valid
from apps.terminals import keys

logger = logging.getLogger(__name__)
API = "/api/v1/evidence/ct/v2"


class WitnessError(Exception):
    pass


def watch_add(*, name: str, url: str, public_key: str) -> WatchedLog:
    parsed = keys.parse_public_key(public_key)
    watched, _created = WatchedLog.objects.update_or_create(
        name=name.strip()[:100], defaults={"url": url.rstrip("/"), "public_key": parsed.pem, "active": True}
    )
    return watched


def _get(watched: WatchedLog, path: str, **params) -> dict:
    response = requests.get(
        f"{watched.url}{API}/{path}", params=params, timeout=settings.EVIDENCE_HTTP_TIMEOUT
    )
    if response.status_code != 200:
        raise WitnessError(f"{path}: HTTP {response.status_code}")
    return response.json()


def _post(watched: WatchedLog, path: str, body: dict) -> None:
    response = requests.post(f"{watched.url}{API}/{path}", json=body, timeout=settings.EVIDENCE_HTTP_TIMEOUT)
    if response.status_code != 200:
        raise WitnessError(f"{path}: HTTP {response.status_code} {response.text[:200]}")


def _split_view(watched: WatchedLog, own, first: bytes, second: bytes, reason: str) -> str:
    WatchedLog.objects.filter(pk=watched.pk).update(split_view=True, last_error=reason[:500])
    alert_raise(
        kind=AlertKind.SPLIT_VIEW,
        message=_("被见证的日志 %(name)s 出现分叉视图，已拒绝联署：%(reason)s")
        % {"name": watched.name, "reason": reason},
        details={
            "log": watched.name,
            "url": watched.url,
            "first": first.decode(errors="replace"),
            "second": second.decode(errors="replace"),
        },
    )
    fingerprint = evlog.key_fingerprint(own.public_key)
    origin = _origin_of(second)
    report_sig = keys.sign(
        evlog.signing_key(own), sth_format.split_view_body(fingerprint, origin, first, second)
    )
    try:
        _post(
            watched,
            "report-split-view",
            {
                "witness_fingerprint": fingerprint,
                "first": base64.b64encode(first).decode(),
                "second": base64.b64encode(second).decode(),
                "signature": base64.b64encode(report_sig).decode(),
            },
        )
    except (requests.RequestException, WitnessError) as exc:
        logger.warning("split view report to %s failed: %s", watched.url, exc)
    return "split_view"


def _origin_of(body: bytes) -> str:
    for line in body.decode(errors="replace").splitlines():
        if line.startswith("origin "):
            return line[len("origin ") :]
    return ""


def witness_poll(watched: WatchedLog) -> str:
    """Poll one watched log once: ``cosigned``, ``unchanged``, ``split_view`` or ``error``."""
    own = evlog.park_log()
    try:
        head = _get(watched, "get-sth")
        size, timestamp = int(head["tree_size"]), int(head["timestamp"])
        root = base64.b64decode(head["root_hash"])
        algorithm, origin = head["hash_algorithm"], head["origin"]
        h = merkle.hash_function(algorithm)
        body = sth_format.sth_body(origin, algorithm, size, root, timestamp)
        if not signature_valid(watched.public_key, base64.b64decode(head["signature"]), body):
            raise WitnessError(_("树头签名无效"))
        last_size, last_root = watched.last_size, bytes(watched.last_root)
        last_body = watched.last_body.encode()
        if watched.last_body:
            if size < last_size:
                return _split_view(
                    watched,
                    own,
                    last_body,
                    body,
                    _("树变小了（%(a)s → %(b)s）") % {"a": last_size, "b": size},
                )
            if size == last_size:
                if root != last_root:
                    return _split_view(watched, own, last_body, body, _("同一大小出现不同的根哈希"))
                return "unchanged"
            proof = [
                base64.b64decode(p)
                for p in _get(watched, "get-sth-consistency", first=last_size, second=size)["consistency"]
            ]
            if not merkle.verify_consistency(h, last_size, size, last_root, root, proof):
                return _split_view(
                    watched,
                    own,
                    last_body,
                    body,
                    _("一致性证明不成立（%(a)s → %(b)s）") % {"a": last_size, "b": size},
                )
        fingerprint = evlog.key_fingerprint(own.public_key)
        now_ms = int(timezone.now().timestamp() * 1000)
        signature = keys.sign(evlog.signing_key(own), sth_format.cosignature_body(fingerprint, now_ms, body))
        _post(
            watched,
            "add-cosignature",
            {
                "tree_size": size,
                "witness_fingerprint": fingerprint,
                "timestamp": now_ms,
                "signature": base64.b64encode(signature).decode(),
            },
        )
    except (requests.RequestException, WitnessError, KeyError, ValueError) as exc:
        WatchedLog.objects.filter(pk=watched.pk).update(last_error=str(exc)[:500])
        return "error"
    WatchedLog.objects.filter(pk=watched.pk).update(
        last_size=size, last_root=root, last_body=body.decode(), last_signature=head["signature"],
        last_cosigned_at=timezone.now(), last_error="",
    )  # fmt: skip
    return "cosigned"


def witness_poll_all() -> dict[str, str]:
    return {w.name: witness_poll(w) for w in WatchedLog.objects.filter(active=True, split_view=False)}
