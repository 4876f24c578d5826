"""Extension point: verification methods later apps add to the park's own BID document.

apps.bid never imports the apps built on it. An app that holds a key the park signs with (the
evidence log's public key, apps.evidence) registers a provider in its ``AppConfig.ready()``::

    from apps.bid.registry import ParkMethod, register_park_method

    register_park_method("evidence-log", lambda: [ParkMethod(
        fragment="evidence-log", key_type="sm2", public_key_hex=encoded_hex,
        purposes=("assertionMethod",))])

and calls ``apps.bid.services.park_bid_refresh()`` after its key changes (the document is
rebuilt, re-signed by the registrar and dropped from the resolution caches). ``public_key_hex``
is BIF's encoded public key (``apps.bid.codec.BidKey.encoded``; ``codec.parse_public_key``
turns a PEM or raw key into one). ``purposes`` are DID Core verification relationships
(``authentication``, ``assertionMethod``, ``capabilityInvocation``…). A provider that raises or
returns nothing adds nothing: the park's document never fails because of another app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ParkMethod:
    fragment: str  # the method's id is <park BID>#<fragment>
    key_type: str  # "sm2" | "ed25519"
    public_key_hex: str
    purposes: tuple[str, ...] = ("assertionMethod",)


_PROVIDERS: dict[str, Callable[[], list[ParkMethod]]] = {}


def register_park_method(name: str, provider: Callable[[], list[ParkMethod]]) -> None:
    _PROVIDERS[name] = provider  # by name: a reloaded app keeps one


def park_methods() -> list[ParkMethod]:
    methods: list[ParkMethod] = []
    for name, provider in list(_PROVIDERS.items()):
        try:
            methods.extend(provider() or [])
        except Exception:
            logger.warning("BID park method provider %s failed", name, exc_info=True)
    return methods
