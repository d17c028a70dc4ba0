"""Who may call the machine-facing endpoints (the OpenAI-compatible ``/v1`` API and ``/mcp``):
a bearer key from ``NEWSRAG_API__KEYS``, or the app's own login (``user:password``, as HTTP
Basic or as a bearer token).

Credentials are required when keys or logins are configured, and always when the server binds
an address other than loopback; a server reachable from other machines with nothing configured
refuses every call and says what to set.

Example:
    >>> access = Access.build(keys=["k1"], logins=None, host="127.0.0.1")
    >>> access.refusal({"authorization": "Bearer k1"}) is None
    True
"""

from __future__ import annotations

import base64
import hmac
import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Access:
    """The credentials a request must carry, if any."""

    keys: tuple[str, ...] = ()
    logins: tuple[tuple[str, str], ...] = ()
    required: bool = False

    @classmethod
    def build(
        cls, *, keys: Sequence[str], logins: Sequence[tuple[str, str]] | None, host: str
    ) -> Access:
        """Access for a server bound to ``host`` with these keys and app logins."""
        logins = tuple(logins or ())
        required = bool(keys) or bool(logins) or not is_loopback(host)
        return cls(tuple(keys), logins, required)

    def refusal(self, headers: Mapping[str, str]) -> str | None:
        """Why a request with these headers is refused, or None when it may go on."""
        if not self.required:
            return None
        if not self.keys and not self.logins:
            return (
                "This server is reachable from other machines, so calls need a key: set "
                "NEWSRAG_API__KEYS on the server and send it as 'Authorization: Bearer KEY'."
            )
        scheme, _, value = (headers.get("authorization") or "").partition(" ")
        scheme, value = scheme.lower(), value.strip()
        if scheme == "bearer" and value:
            if any(_same(value, key) for key in self.keys):
                return None
            if self._login_ok(value):  # "Bearer user:password" for clients that send bearers
                return None
        if scheme == "basic" and value:
            try:
                pair = base64.b64decode(value, validate=True).decode("utf-8")
            except ValueError:
                pair = ""
            if self._login_ok(pair):
                return None
        if not value:
            return "Missing credentials: send 'Authorization: Bearer KEY' (NEWSRAG_API__KEYS)."
        return "Invalid credentials: the key or login is not one this server accepts."

    def _login_ok(self, pair: str) -> bool:
        user, sep, password = pair.partition(":")
        if not sep:
            return False
        return any(_same(user, u) and _same(password, p) for u, p in self.logins)


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison (any characters)."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
