"""Meta's webhook signature: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>``."""

import hashlib
import hmac

PREFIX = "sha256="


def sign(app_secret: str, body: bytes) -> str:
    """The header value Meta sends for `body`."""
    return PREFIX + hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signature_matches(app_secret: str, body: bytes, header: str) -> bool:
    """True when `header` signs exactly these bytes; compared in constant time."""
    # Both sides are ASCII here, as compare_digest requires of str arguments.
    expected = sign(app_secret, body)
    return header.isascii() and hmac.compare_digest(expected, header.strip().lower())
