"""GET /metrics: turns, errors, fallbacks and handoffs of the web chat, against a stand-in Rasa."""
from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.api.conftest import closed_port_url, metric

CHAT = "/api/chat"
REST = "/webhooks/rest/webhook"
SENDER = "web-7f3a"
MESSAGE = "Quelle est la durée du congé annuel ?"
SOURCES = [
    {"doc_id": "code-travail", "title": "Code du travail", "ref": "Art. 231", "url": "https://www.emploi.gov.ma/ct"},
]


@pytest.fixture
def client(client_for, rasa, actions):
    return client_for(rasa_url=rasa.url, action_server_url=actions.url)


def chat(client, message: str = MESSAGE):
    return client.post(CHAT, json={"sender": SENDER, "message": message})


def test_metrics_are_prometheus_text(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    names = {family.name for family in text_string_to_metric_families(response.text)}
    assert {"assistant_turns", "assistant_turn_seconds", "assistant_errors", "assistant_fallbacks",
            "assistant_handoffs", "assistant_lookup_locks", "assistant_lookups_refused", "http_requests",
            "process_cpu_seconds"} <= names


def test_an_answered_turn_is_counted_with_its_channel_and_language(client, rasa):
    rasa.on("POST", REST, 200, [
        {"recipient_id": SENDER, "text": "18 jours ouvrables (article 231)."},
        {"recipient_id": SENDER, "custom": {"sources": SOURCES, "language": "fr"}},
    ])
    assert chat(client).status_code == 200
    assert metric(client, "assistant_turns_total", channel="web", language="fr") == 1
    assert metric(client, "assistant_turn_seconds_count", channel="web") == 1
    assert metric(client, "assistant_fallbacks_total", channel="web", language="fr", reason="low_confidence") == 0
    assert metric(client, "assistant_handoffs_total", channel="web", language="fr") == 0
    assert metric(client, "http_requests_total", method="POST", handler=CHAT, status="200") == 1


def test_rasa_down_counts_an_error_and_no_turn(client_for):
    client = client_for(rasa_url=closed_port_url())
    assert chat(client).status_code == 503
    assert metric(client, "assistant_errors_total", channel="web", reason="assistant_unavailable") == 1
    assert metric(client, "assistant_turns_total", channel="web", language="fr") == 0
    assert metric(client, "http_requests_total", method="POST", handler=CHAT, status="503") == 1


def test_action_server_down_is_its_own_error_reason(client_for, rasa):
    # Rasa's REST channel swallows the failing action and answers nothing.
    client = client_for(rasa_url=rasa.url, action_server_url=closed_port_url())
    assert chat(client).status_code == 503
    assert metric(client, "assistant_errors_total", channel="web", reason="actions_unavailable") == 1


def test_refused_requests_count_as_errors_of_the_channel(client_for):
    client = client_for(rate_limit_per_minute=1, max_body_bytes=500)
    assert client.post(CHAT, json={"sender": SENDER, "message": " "}).status_code == 422
    assert client.post(CHAT, json={"sender": SENDER, "message": "salam"}).status_code == 429
    assert client.post(CHAT, json={"sender": "web-2", "message": "x" * 600}).status_code == 413
    assert metric(client, "assistant_errors_total", channel="web", reason="invalid_request") == 1
    assert metric(client, "assistant_errors_total", channel="web", reason="rate_limited") == 1
    assert metric(client, "assistant_errors_total", channel="web", reason="request_too_large") == 1


def test_a_handoff_is_counted(client, rasa):
    rasa.on("POST", REST, 200, [
        {"recipient_id": SENDER, "text": "Un conseiller va vous répondre. Référence : HT-2025-0001."},
        {"recipient_id": SENDER, "custom": {"handoff": {"reference": "HT-2025-0001"}, "language": "fr"}},
    ])
    assert chat(client, "je veux parler à un conseiller").status_code == 200
    assert metric(client, "assistant_handoffs_total", channel="web", language="fr") == 1
    assert metric(client, "assistant_turns_total", channel="web", language="fr") == 1


@pytest.mark.parametrize("reason", ["low_confidence", "out_of_scope", "not_understood", "knowledge_unavailable"])
def test_the_bots_fallback_marker_is_counted_with_its_reason(client, rasa, reason):
    rasa.on("POST", REST, 200, [
        {"recipient_id": SENDER, "text": "Je n'ai pas trouvé de réponse fiable."},
        {"recipient_id": SENDER, "custom": {"outcome": "fallback", "reason": reason, "language": "fr"}},
    ])
    assert chat(client).status_code == 200
    assert metric(client, "assistant_fallbacks_total", channel="web", language="fr", reason=reason) == 1
    assert metric(client, "assistant_turns_total", channel="web", language="fr") == 1


def test_an_unknown_fallback_reason_is_counted_as_other(client, rasa):
    rasa.on("POST", REST, 200, [
        {"recipient_id": SENDER, "custom": {"outcome": "fallback", "reason": "x" * 40, "language": "fr"}},
    ])
    assert chat(client).status_code == 200
    assert metric(client, "assistant_fallbacks_total", channel="web", language="fr", reason="other") == 1


def test_a_case_look_up_lock_and_its_refusals_are_counted_and_never_shown(client, rasa):
    not_found = "Aucun dossier ne correspond à ce numéro et à cette CIN."
    rasa.on("POST", REST, 200, [
        {"recipient_id": SENDER, "text": not_found},
        {"recipient_id": SENDER, "custom": {"lookup": {"locked": ["case", "client"]}, "language": "fr"}},
    ])
    response = chat(client, "ZZ000000")
    assert response.status_code == 200
    # The citizen gets the plain "not found", whether or not the failure set a lock.
    assert response.json()["messages"] == [{"text": not_found}]
    assert metric(client, "assistant_lookup_locks_total", channel="web", scope="case") == 1
    assert metric(client, "assistant_lookup_locks_total", channel="web", scope="client") == 1
    rasa.on("POST", REST, 200, [
        {"recipient_id": SENDER, "text": "Ce dossier est temporairement protégé.",
         "buttons": [{"title": "Parler à un conseiller", "payload": "/request_human"}]},
        {"recipient_id": SENDER, "custom": {"lookup": {"refused": "case"}, "language": "fr"}},
    ])
    for _ in range(2):
        assert chat(client, "AB123456").status_code == 200
    assert metric(client, "assistant_lookups_refused_total", channel="web", scope="case") == 2
    assert metric(client, "assistant_lookups_refused_total", channel="web", scope="sender") == 0
    assert metric(client, "assistant_lookup_locks_total", channel="web", scope="case") == 1
    assert metric(client, "assistant_fallbacks_total", channel="web", language="fr", reason="no_reply") == 0


def test_an_unknown_lock_scope_is_counted_as_other(client, rasa):
    rasa.on("POST", REST, 200, [{"recipient_id": SENDER, "custom": {"lookup": {"refused": "LAB-2025-000123"}}}])
    assert chat(client).status_code == 200
    assert metric(client, "assistant_lookups_refused_total", channel="web", scope="other") == 1
    assert "000123" not in client.get("/metrics").text


def test_a_silent_bot_with_every_part_up_is_a_fallback(client, rasa):
    rasa.on("POST", REST, 200, [])
    assert chat(client).status_code == 200
    # A silent bot names no language: the turn is counted in the default one.
    assert metric(client, "assistant_fallbacks_total", channel="web", language="ar", reason="no_reply") == 1


def test_routes_are_labelled_by_template_and_no_personal_data_is_exposed(client_for, tmp_path):
    client = client_for(database_url=f"sqlite:///{tmp_path / 'store.db'}")
    assert client.get(f"/api/chat/{SENDER}/agent-messages").status_code == 200
    assert client.get("/no/such/page-212600000001").status_code == 404
    route = "/api/chat/{sender}/agent-messages"
    assert metric(client, "http_requests_total", method="GET", handler=route, status="200") == 1
    assert metric(client, "http_requests_total", method="GET", handler="none", status="404") == 1
    text = client.get("/metrics").text
    assert SENDER not in text and "212600000001" not in text


def test_each_app_has_its_own_registry(client_for, rasa):
    rasa.on("POST", REST, 200, [{"recipient_id": SENDER, "text": "Bonjour"}])
    first, second = client_for(rasa_url=rasa.url), client_for(rasa_url=rasa.url)
    assert chat(first).status_code == 200
    assert metric(first, "assistant_turns_total", channel="web", language="ar") == 1
    assert metric(second, "assistant_turns_total", channel="web", language="ar") == 0
