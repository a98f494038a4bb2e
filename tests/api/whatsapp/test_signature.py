"""api.whatsapp.signature against Meta's scheme (HMAC-SHA256 of the raw body, hex, `sha256=` prefix)."""
from __future__ import annotations

from api.whatsapp.signature import signature_matches
from tests.api.whatsapp.fakes import meta_signature

SECRET = "app-secret"
BODY = '{"object":"whatsapp_business_account","entry":[]}'.encode()


def test_meta_signature_matches():
    assert signature_matches(SECRET, BODY, meta_signature(BODY, SECRET))
    assert signature_matches(SECRET, BODY, meta_signature(BODY, SECRET).upper().replace("SHA256=", "sha256="))


def test_other_body_secret_or_format_does_not_match():
    good = meta_signature(BODY, SECRET)
    assert not signature_matches(SECRET, BODY + b" ", good)
    assert not signature_matches("other-secret", BODY, good)
    assert not signature_matches(SECRET, BODY, good.removeprefix("sha256="))
    assert not signature_matches(SECRET, BODY, "sha1=" + good.removeprefix("sha256="))
    assert not signature_matches(SECRET, BODY, "")
    assert not signature_matches(SECRET, BODY, "sha256=é")
