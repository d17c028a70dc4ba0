"""Which addresses a fetch may reach: the guard against server-side request forgery.

The chat app fetches URLs that anyone who can open it pastes. Unless allowed, a URL whose host
resolves to a loopback, private, link-local, shared, reserved or multicast address is refused,
so nobody can make the server read from its own network (a router page, a cloud metadata
service, a database on 127.0.0.1). Every address the host resolves to is checked, and the
fetcher checks every redirect hop again.

Example:
    >>> check_url("http://169.254.169.254/latest/meta-data", settings=IngestSettings(
    ...     allow_private_urls=False))
    Traceback (most recent call last):
    LoadError: http://169.254.169.254/latest/meta-data: refused: ...
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from rag.config import IngestSettings
from rag.errors import LoadError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_public(ip: IPAddress) -> bool:
    """True when ``ip`` is a globally routable unicast address (IPv4 addresses embedded in
    IPv6 — mapped, 6to4, NAT64, Teredo — are judged by the IPv4 address inside)."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is None and ip in _NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            return is_public(inner)
    return ip.is_global and not ip.is_multicast


def check_url(url: str, *, settings: IngestSettings) -> None:
    """Refuse ``url`` unless its host resolves only to public addresses, private addresses
    are allowed (``allow_private_urls``), or the host is in ``allowed_hosts``.

    Raises:
        LoadError: the host cannot be resolved, or resolves to a non-public address.
    """
    if settings.allow_private_urls:
        return
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower(), 80)
    except ValueError as exc:
        raise LoadError(url, f"invalid port in the address ({exc})") from exc
    allowed = {h.strip().lower() for h in settings.allowed_hosts}
    if host in allowed or f"{host}:{port}" in allowed:
        return
    if not host:
        raise LoadError(url, "the address has no host name; give a full http(s) URL")
    for ip in resolve(url, host, port):
        if not is_public(ip):
            raise LoadError(
                url,
                f"refused: {host} resolves to the non-public address {ip}; this server does "
                "not fetch from its own network (an administrator can allow it with "
                "NEWSRAG_UI__ALLOW_PRIVATE_URLS=true or list the host in "
                "NEWSRAG_INGEST__ALLOWED_HOSTS)",
            )


def resolve(url: str, host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to.

    Raises:
        LoadError: the name does not resolve.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise LoadError(url, f"cannot resolve the host {host!r}; check the address") from exc
    found = []
    for info in infos:
        address = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone index
        found.append(ipaddress.ip_address(address))
    return found
