"""Where a webhook may point (SSRF): http(s) to addresses on the public internet only, unless
the park allows internal targets. Checked when a URL is subscribed and again before every
connection (DNS can change in between), and the connection goes to the address that was checked."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError


class TargetRefused(ApplicationError):
    def __init__(self, message: str):
        super().__init__(message, errors={"url": [message]}, code="target_refused")


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query
    address: str  # the vetted IP the connection goes to
    host_header: str


def _is_internal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    return not ip.is_global or ip.is_multicast


def target_check(url: str, *, allow_internal: bool) -> Target:
    """The URL's target, resolved and vetted; TargetRefused says why not."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise TargetRefused(_("订阅地址无效")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused(_("订阅地址须以 http:// 或 https:// 开头并包含主机名"))
    if parts.username or parts.password:
        raise TargetRefused(_("订阅地址不能包含用户名或密码"))
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        raise TargetRefused(_("订阅地址无效"))
    host = parts.hostname
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise TargetRefused(_("无法解析订阅地址的主机名：%(host)s") % {"host": host}) from None
    addresses = []
    for info in infos:
        address = info[4][0].split("%", 1)[0]
        ip = ipaddress.ip_address(address)
        if not allow_internal and _is_internal(ip):
            raise TargetRefused(
                _("订阅地址 %(host)s 指向内网、回环或保留地址（%(ip)s），园区未允许内网地址")
                % {"host": host, "ip": address}
            )
        addresses.append(address)
    if not addresses:
        raise TargetRefused(_("无法解析订阅地址的主机名：%(host)s") % {"host": host})
    default_port = port == (443 if parts.scheme == "https" else 80)
    try:
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise TargetRefused(_("订阅地址无效")) from None
    if ":" in ascii_host:
        ascii_host = f"[{ascii_host}]"
    host_header = ascii_host if default_port else f"{ascii_host}:{port}"
    # The request line is ASCII: anything else in the path or query is percent-encoded.
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return Target(parts.scheme, host, port, path, addresses[0], host_header)
