"""Folding the REST channel's items into the API's messages."""
from __future__ import annotations

from api.rasa_client import fold_reply

SOURCE = {"doc_id": "code-travail", "title": "Code du travail", "ref": "Art. 231", "url": None}


def dump(messages):
    return [m.model_dump(exclude_none=True) for m in messages]


def test_sources_go_to_the_text_right_before_them():
    messages, language = fold_reply([
        {"recipient_id": "u", "text": "first"},
        {"recipient_id": "u", "text": "answer"},
        {"recipient_id": "u", "custom": {"sources": [SOURCE], "language": "fr"}},
        {"recipient_id": "u", "text": "anything else?"},
    ])
    assert dump(messages) == [
        {"text": "first"},
        {"text": "answer", "sources": [{"doc_id": "code-travail", "title": "Code du travail", "ref": "Art. 231"}]},
        {"text": "anything else?"},
    ]
    assert language == "fr"


def test_sources_with_no_text_before_them_are_kept():
    messages, _ = fold_reply([{"recipient_id": "u", "custom": {"sources": [SOURCE]}}])
    assert dump(messages) == [{"text": "", "sources": [{"doc_id": "code-travail", "title": "Code du travail", "ref": "Art. 231"}]}]


def test_a_handoff_reference_goes_to_the_text_before_it():
    # The web page polls for the agent's replies while this ticket is open.
    messages, language = fold_reply([
        {"recipient_id": "u", "text": "تم تحويل طلبك إلى موظف."},
        {"recipient_id": "u", "custom": {"handoff": {"reference": "HO-1"}, "language": "ar"}},
    ])
    assert dump(messages) == [{"text": "تم تحويل طلبك إلى موظف.", "handoff": {"reference": "HO-1"}}]
    assert language == "ar"


def test_custom_with_only_a_language_or_a_malformed_handoff_adds_nothing():
    messages, language = fold_reply([
        {"recipient_id": "u", "text": "ok"},
        {"recipient_id": "u", "custom": {"language": "fr"}},
        {"recipient_id": "u", "custom": {"handoff": {"ref": "no reference key"}}},
    ])
    assert dump(messages) == [{"text": "ok"}]
    assert language == "fr"


def test_malformed_parts_are_dropped_not_fatal():
    messages, language = fold_reply([
        {"recipient_id": "u", "image": "https://example.org/a.png"},
        {"recipient_id": "u", "text": "choose", "buttons": [{"title": "ok", "payload": "/affirm"}, {"title": "no payload"}]},
        {"recipient_id": "u", "custom": {"sources": [{"title": "no doc id"}, {**SOURCE, "ref": 231}], "language": "xx"}},
    ])
    assert dump(messages) == [{
        "text": "choose",
        "buttons": [{"title": "ok", "payload": "/affirm"}],
        "sources": [{"doc_id": "code-travail", "title": "Code du travail", "ref": "231"}],
    }]
    assert language is None
