"""Keyed hashes that stand for a personal identifier where it must be compared, never read.

The case look-up counts failures per case number, per sender and per client
address (api/, actions/lockout.py); the store and Rasa's tracker keep only these
pseudonyms. They are HMAC-SHA256 under ``PSEUDONYM_KEY``: without the key, a
case number (a million per year) or an IPv4 address cannot be found back by
hashing every candidate. Every API and action server must have the same key, so
that their counts meet. Standard library only (both environments import it).

Usage::

    pseudonym("case", "LAB-2025-000123", key)          # 64 hex characters
    client_pseudonym("ip", request.client.host, key)   # what the API puts in the metadata
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re

# Used when PSEUDONYM_KEY is unset: the same on every replica, so counts still meet,
# but known to anyone who reads this file. Production sets its own secret.
DEFAULT_KEY = "labour-assistant/pseudonyms/v1"
PSEUDONYM = re.compile(r"[0-9a-f]{64}")


def pseudonym(kind: str, value: str, key: str | None = None) -> str:
    """The keyed hash of ``value`` in the namespace ``kind`` (``case``, ``sender``, ``client``)."""
    secret = (key or DEFAULT_KEY).encode()
    return hmac.new(secret, f"{kind}\x00{value}".encode(), hashlib.sha256).hexdigest()


def network_address(host: str) -> str:
    """The address a client is counted under.

    An IPv6 client is counted by its /64 network (one subscriber's line holds a
    whole /64, so single addresses are free to change); an IPv4 address mapped
    into IPv6 by its IPv4 address; anything else (a name, "unknown") as it is.
    """
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


def client_pseudonym(kind: str, address: str, key: str | None = None) -> str:
    """The pseudonym of a client address: ``kind`` ``ip`` (web) or ``whatsapp`` (the phone number)."""
    return pseudonym("client", f"{kind}:{network_address(address) if kind == 'ip' else address}", key)


def is_pseudonym(value: object) -> bool:
    return isinstance(value, str) and PSEUDONYM.fullmatch(value) is not None
