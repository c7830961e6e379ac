"""Who may talk to the preview server: Host and Origin names that DNS rebinding and other sites cannot forge."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def host_allowed(value: str | None, bound: str) -> bool:
    """Allow Host/Origin names that DNS rebinding cannot forge: localhost, IP literals, the bound name."""
    if value is None:
        return True  # no browser omits Host; plain tools may
    try:
        name = urlsplit(value if "//" in value else f"//{value}").hostname
    except ValueError:
        return False
    if not name:
        return False
    name = name.rstrip(".").lower()
    if name == "localhost" or name == bound.lower():
        return True
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


def origin_allowed(origin: str | None, bound: str) -> bool:
    """Allow a missing Origin or one of our own http origins; refuse 'null' and other sites."""
    if origin is None:
        return True
    return origin.startswith("http://") and host_allowed(origin, bound)


def same_origin(origin: str | None, host: str | None, bound: str) -> bool:
    """Allow only a request a page of this very server sent: its Origin is http://<the Host it asked for>.

    Browsers send Origin with every POST; a page of another site (or another port of this machine) sends its
    own, and a missing one is refused: the writer's endpoint is for the editor's page alone.
    """
    if origin is None or host is None or not host_allowed(host, bound):
        return False
    return origin.lower() == f"http://{host}".lower()


def bind_warning(host: str) -> str | None:
    """Warn when the server will be reachable from other machines."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        return None
    return (
        f"broadsheet: warning: listening on {host}, not 127.0.0.1: anyone on your network can read this "
        "preview, drafts included"
    )
