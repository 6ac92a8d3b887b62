"""X-Forwarded-For and its kin, believed only from the proxies configured to send them.

Werkzeug's ProxyFix with the proxies' count takes the headers from whoever sends them: an
app server listening on all interfaces (several app servers behind one nginx) could be
asked directly with ``X-Forwarded-For: 127.0.0.1`` to read /metrics as this machine, or
with a new address each time to escape the login limit per address. So the peer itself must
be one of the proxies (FIELDCASE_TRUSTED_PROXY_ADDRESSES); from anyone else the headers are
dropped and the peer's own address counts.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

from werkzeug.middleware.proxy_fix import ProxyFix

_FORWARDED = ("HTTP_FORWARDED", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO")
_FORWARDED += ("HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX")


def networks(addresses: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``"127.0.0.1, 10.0.0.0/24"`` as networks; a bad entry stops the server at start."""
    return [ipaddress.ip_network(a.strip(), strict=False) for a in addresses.split(",") if a]


class TrustedProxies:
    """ProxyFix for requests whose peer is a trusted proxy; the forwarding headers of any
    other peer are removed before the app sees them."""

    def __init__(self, app: Callable, count: int, trusted: Iterable):
        self.app = app
        self.fixed = ProxyFix(app, x_for=count, x_proto=count, x_host=count)
        self.trusted = list(trusted)

    def _from_proxy(self, peer: str | None) -> bool:
        try:
            address = ipaddress.ip_address(peer or "")
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        return any(address in network for network in self.trusted)

    def __call__(self, environ, start_response):
        if self._from_proxy(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        for name in _FORWARDED:
            environ.pop(name, None)
        return self.app(environ, start_response)
