"""Who is asking: the client's address behind our own reverse proxies.

gunicorn behind nginx sees 127.0.0.1 for everyone. When the connecting address is one of
``TRUSTED_PROXIES`` (addresses or CIDR networks), the client is the right-most
X-Forwarded-For entry that is not a trusted proxy; entries left of it were written by the client
and are ignored, so a client can neither pick its rate-limit bucket nor forge the address the
audit log records. Used by the resolution rate limit and the request context.
"""

from __future__ import annotations

import ipaddress

from apps.core.hot_settings import setting

_trusted_cache: tuple[tuple[str, ...], frozenset[str], tuple] = ((), frozenset(), ())


def _trusted_proxies() -> tuple[frozenset[str], tuple]:
    """``TRUSTED_PROXIES`` as (exact addresses, networks), parsed once per distinct setting."""
    global _trusted_cache
    configured = tuple(setting("TRUSTED_PROXIES"))
    if _trusted_cache[0] != configured:
        exact, networks = set(), []
        for entry in configured:
            if "/" in entry:
                networks.append(ipaddress.ip_network(entry, strict=False))
            else:
                exact.add(entry)
        _trusted_cache = (configured, frozenset(exact), tuple(networks))
    return _trusted_cache[1], _trusted_cache[2]


def _is_trusted(address: str, exact: frozenset[str], networks: tuple) -> bool:
    if address in exact:
        return True
    if not networks:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(request) -> str | None:
    """REMOTE_ADDR, or behind a trusted proxy the right-most untrusted X-Forwarded-For hop."""
    return forwarded_client(request.META.get("REMOTE_ADDR"), request.META.get("HTTP_X_FORWARDED_FOR", ""))


def forwarded_client(remote: str | None, forwarded_for: str) -> str | None:
    """``client_address`` from the connecting address and the X-Forwarded-For header alone
    (servers that have no Django request: apps.resolution.server)."""
    exact, networks = _trusted_proxies()
    if not remote or not _is_trusted(remote, exact, networks):
        return remote
    hops = [hop.strip() for hop in forwarded_for.split(",")]
    hops = [hop for hop in hops if hop]
    for hop in reversed(hops):
        if not _is_trusted(hop, exact, networks):
            return hop
    return hops[0] if hops else remote


def client_ip(request) -> str | None:
    """The client address as a valid IP for the audit log (None when a proxy sent garbage)."""
    address = client_address(request)
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
