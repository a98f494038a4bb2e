"""The operators' review (/ops, /api/ops/*): turns kept with their outcome when they happen,
refused questions, answers rated down with their sources, similar questions grouped (the real
e5 embedder), CSV exports; its own key; bad input refused with nothing changed. Real SQLite,
a stand-in Rasa."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.conversations import record_turn
from api.schemas import BotMessage
from store.models import ConversationTurn, Feedback

OPS_KEY = "ops-key-0123456789"
AGENT_KEY = "agent-key-0123456789"
OPS = {"Authorization": f"Bearer {OPS_KEY}"}
REST = "/webhooks/rest/webhook"
SENDER = "web-7f3a"
SOURCES = [{"doc_id": "ct", "title": "Code du travail", "ref": "Art. 231", "url": "https://www.emploi.gov.ma/ct"}]
TODAY = dt.datetime.now(dt.timezone.utc).date().isoformat()


@pytest.fixture
def client(client_for, rasa, actions, database_url, engine):
    rasa.on("GET", f"/conversations/{SENDER}/tracker", 200, {"slots": {"language": "fr"}})
    return client_for(
        rasa_url=rasa.url, action_server_url=actions.url, database_url=database_url,
        ops_api_key=OPS_KEY, assist_api_key=AGENT_KEY,
    )


def rows(engine, model) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def turns(engine) -> list[ConversationTurn]:
    with Session(engine) as session:
        return list(session.scalars(select(ConversationTurn).order_by(ConversationTurn.id)))


def fallback(reason: str, text: str = "Je n'ai pas trouvé de réponse fiable.") -> list[dict]:
    return [
        {"recipient_id": SENDER, "text": text},
        {"recipient_id": SENDER, "custom": {"outcome": "fallback", "reason": reason, "language": "fr"}},
    ]


def keep(engine, question: str, *, reason: str | None = "low_confidence", channel: str = "web",
         language: str = "fr", sender: str = SENDER, at: dt.datetime | None = None, answer: str = "Désolé.") -> None:
    items = [{"custom": {"outcome": "fallback", "reason": reason}}] if reason else [{"text": answer}]
    record_turn(engine, sender=sender, channel=channel, language=language, question=question, items=items,
                replies=[BotMessage(text=answer)], pseudonym_key=None, at=at)


def parse_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


# --- The turn and its outcome are kept when it happens ----------------------------------------

def test_a_refused_web_turn_is_kept_masked_with_the_bots_reason(client, rasa, engine):
    rasa.on("POST", REST, 200, fallback("out_of_scope"))
    question = "Mon dossier LAB-2025-000123, CIN AB123456, tél 0612345678 : quel temps demain ?"
    assert client.post("/api/chat", json={"sender": SENDER, "message": question}).status_code == 200
    [turn] = turns(engine)
    assert (turn.channel, turn.language, turn.outcome, turn.reason) == ("web", "fr", "refused", "out_of_scope")
    assert "LAB-****-***123" in turn.question and "AB****56" in turn.question
    for secret in ("000123", "AB123456", "0612345678"):
        assert secret not in turn.question
    assert turn.sender_key != SENDER and len(turn.sender_key) == 64


def test_an_answered_turn_and_a_handoff_are_kept_with_their_outcome(client, rasa, engine):
    rasa.on("POST", REST, 200, [
        {"recipient_id": SENDER, "text": "18 jours ouvrables."},
        {"recipient_id": SENDER, "custom": {"sources": SOURCES, "language": "fr"}},
    ])
    client.post("/api/chat", json={"sender": SENDER, "message": "Durée du congé annuel ?"})
    rasa.on("POST", REST, 200, [
        {"recipient_id": SENDER, "text": "Un conseiller va vous répondre."},
        {"recipient_id": SENDER, "custom": {"handoff": {"reference": "HT-7KQ2MX"}, "language": "fr"}},
    ])
    client.post("/api/chat", json={"sender": SENDER, "message": "Je veux parler à quelqu'un"})
    answered, handoff = turns(engine)
    assert (answered.outcome, answered.reason, answered.answer) == ("answered", None, "18 jours ouvrables.")
    assert answered.sources == [{"title": "Code du travail", "ref": "Art. 231", "url": "https://www.emploi.gov.ma/ct"}]
    assert (handoff.outcome, handoff.reason) == ("handoff", None)


# --- The report ---------------------------------------------------------------------------------

def test_the_report_lists_refused_questions_and_rated_down_answers_by_channel_and_language(client, rasa, engine):
    rasa.on("POST", REST, 200, fallback("low_confidence"))
    client.post("/api/chat", json={"sender": SENDER, "message": "Combien coûte un visa pour la France ?"})
    rasa.on("POST", REST, 200, [{"recipient_id": SENDER, "text": "Le SMIG est de 3 000 dirhams."},
                                {"recipient_id": SENDER, "custom": {"sources": SOURCES, "language": "fr"}}])
    client.post("/api/chat", json={"sender": SENDER, "message": "Quel est le salaire minimum ?"})
    saved = client.post("/api/feedback", json={
        "sender": SENDER, "message_text": "Le SMIG est de 3 000 dirhams.", "sources": [SOURCES[0]],
        "rating": "down", "language": "fr", "comment": "Rappelez-moi au 0612345678",
    })
    assert saved.status_code == 201, saved.text
    keep(engine, "ما هو ثمن التأشيرة؟", channel="whatsapp", language="ar", sender="wa:212600000001",
         reason="not_understood")

    report = client.get("/api/ops/report", params={"from": TODAY, "to": TODAY}, headers=OPS)
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["period"] == {"from": TODAY, "to": TODAY, "channel": None, "language": None}
    assert body["refused"]["total"] == 2
    assert {(r["channel"], r["language"], r["reason"], r["question"]) for r in body["refused"]["rows"]} == {
        ("web", "fr", "low_confidence", "Combien coûte un visa pour la France ?"),
        ("whatsapp", "ar", "not_understood", "ما هو ثمن التأشيرة؟"),
    }
    [down] = body["thumbs_down"]["rows"]
    assert down["answer"] == "Le SMIG est de 3 000 dirhams."
    assert down["question"] == "Quel est le salaire minimum ?"
    assert down["sources"] == [{"title": "Code du travail", "ref": "Art. 231", "url": "https://www.emploi.gov.ma/ct"}]
    assert "0612345678" not in down["comment"] and down["comment"].endswith("78")
    assert {(b["channel"], b["language"], b["turns"], b["refused"], b["thumbs_down"]) for b in body["breakdown"]} == {
        ("web", "fr", 2, 1, 1), ("whatsapp", "ar", 1, 1, 0),
    }

    only_ar = client.get("/api/ops/report", params={"language": "ar", "channel": "whatsapp"}, headers=OPS).json()
    assert [r["question"] for r in only_ar["refused"]["rows"]] == ["ما هو ثمن التأشيرة؟"]
    assert only_ar["thumbs_down"]["rows"] == []


def test_the_period_bounds_the_report(client, engine):
    now = dt.datetime.now(dt.timezone.utc)
    keep(engine, "Question d'il y a dix jours", at=now - dt.timedelta(days=10))
    keep(engine, "Question d'aujourd'hui", at=now)
    default = client.get("/api/ops/report", headers=OPS).json()  # the last 7 days
    assert [r["question"] for r in default["refused"]["rows"]] == ["Question d'aujourd'hui"]
    old_day = (now - dt.timedelta(days=10)).date().isoformat()
    old = client.get("/api/ops/report", params={"from": old_day, "to": old_day}, headers=OPS).json()
    assert [r["question"] for r in old["refused"]["rows"]] == ["Question d'il y a dix jours"]


def test_reworded_questions_are_grouped_and_counted_and_each_group_exports(client, engine):
    for question in ("Quelle est la durée du congé annuel ?", "combien de jours de congé annuel ai-je ?",
                     "Combien de jours de congés payés par an ?", "Quelle est la durée du congé annuel ?"):
        keep(engine, question)
    keep(engine, "Comment créer une entreprise au Maroc ?")
    keep(engine, "ما هي مدة العطلة السنوية؟", language="ar")
    keep(engine, "كم عدد أيام العطلة السنوية؟", language="ar")

    groups = client.get("/api/ops/report", headers=OPS).json()["groups"]
    assert groups["method"] == "e5"
    counts = sorted(((g["count"], g["languages"]) for g in groups["groups"]), reverse=True)
    assert counts == [(4, ["fr"]), (2, ["ar"]), (1, ["fr"])]
    leave = groups["groups"][0]
    assert leave["reasons"] == ["low_confidence"]

    everything = client.get("/api/ops/export", params={"section": "groups"}, headers=OPS)
    assert everything.status_code == 200
    assert everything.headers["content-type"].startswith("text/csv")
    assert "attachment" in everything.headers["content-disposition"]
    assert [int(r["count"]) for r in parse_csv(everything.text)] == [4, 2, 1]

    one = client.get("/api/ops/export", params={"section": "groups", "group": leave["id"]}, headers=OPS)
    assert one.status_code == 200, one.text
    members = parse_csv(one.text)
    assert len(members) == 4 and all("cong" in m["question"] for m in members)


def test_the_refused_and_thumbs_down_exports_hold_masked_rows(client, engine):
    keep(engine, "=HYPERLINK(\"x\") dossier LAB-2025-000123")
    with Session(engine) as session, session.begin():
        session.add(Feedback(sender=SENDER, channel="web", language="fr", message_text="Réponse pour AB123456",
                             sources=SOURCES, rating="down", comment=None,
                             created_at=dt.datetime.now(dt.timezone.utc)))
    [refused] = parse_csv(client.get("/api/ops/export", params={"section": "refused"}, headers=OPS).text)
    assert refused["question"].startswith("'=")  # not run as a formula
    assert "000123" not in refused["question"] and refused["reason"] == "low_confidence"
    [down] = parse_csv(client.get("/api/ops/export", params={"section": "thumbs_down"}, headers=OPS).text)
    assert down["answer"] == "Réponse pour AB****56"
    assert down["sources"] == "Code du travail, Art. 231, https://www.emploi.gov.ma/ct"


# --- Its own key ----------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Bearer {AGENT_KEY}"}, {"Authorization": OPS_KEY},
])
@pytest.mark.parametrize("path", ["/api/ops/report", "/api/ops/export?section=refused"])
def test_a_wrong_key_or_an_agents_key_is_refused(client, path, headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert "OPS_API_KEY" in response.json()["error"]["message"]


def test_the_agents_key_still_opens_the_agent_console_but_not_the_ops_key(client):
    assert client.get("/api/agent/tickets", headers={"Authorization": f"Bearer {AGENT_KEY}"}).status_code == 200
    assert client.get("/api/agent/tickets", headers=OPS).status_code == 401


def test_without_a_configured_key_the_review_is_closed(client_for, database_url, engine):
    client = client_for(database_url=database_url, assist_api_key=AGENT_KEY)
    response = client.get("/api/ops/report", headers={"Authorization": f"Bearer {AGENT_KEY}"})
    assert response.status_code == 503 and response.json()["error"]["code"] == "ops_not_configured"


def test_the_page_itself_is_served_without_a_key(client):
    page = client.get("/ops")
    assert page.status_code == 200 and "static/ops.js" in page.text


# --- Bad input: a clear 4xx, nothing changed -----------------------------------------------------

@pytest.mark.parametrize("params, status, code, says", [
    ({"from": "2026-11-20", "to": "2026-11-01"}, 422, "invalid_period", "after"),
    ({"from": "yesterday"}, 422, "invalid_period", "YYYY-MM-DD"),
    ({"to": "2026-02-30"}, 422, "invalid_period", "YYYY-MM-DD"),
    ({"channel": "telegram"}, 422, "invalid_request", "channel"),
    ({"language": "de"}, 422, "invalid_request", "language"),
])
def test_an_impossible_period_or_filter_is_refused(client, engine, params, status, code, says):
    keep(engine, "Une question")
    for path, extra in (("/api/ops/report", {}), ("/api/ops/export", {"section": "refused"})):
        response = client.get(path, params={**extra, **params}, headers=OPS)
        assert response.status_code == status, response.text
        error = response.json()["error"]
        assert error["code"] == code and says in (error["message"] + str(error.get("details"))), error
    assert rows(engine, ConversationTurn) == 1


def test_a_huge_export_is_refused_and_nothing_is_changed(client_for, database_url, engine):
    client = client_for(database_url=database_url, ops_api_key=OPS_KEY, ops_export_max_rows=3)
    for n in range(4):
        keep(engine, f"Question numéro {n}")
    response = client.get("/api/ops/export", params={"section": "refused"}, headers=OPS)
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "export_too_large" and "4 rows" in error["message"] and "3" in error["message"]
    assert rows(engine, ConversationTurn) == 4
    # Narrowed to what fits, the same export goes through.
    keep(engine, "Une question en arabe", language="ar")
    narrowed = client.get("/api/ops/export", params={"section": "refused", "language": "ar"}, headers=OPS)
    assert narrowed.status_code == 200 and len(parse_csv(narrowed.text)) == 1


def test_an_unknown_group_or_section_is_refused(client, engine):
    keep(engine, "Une question")
    missing = client.get("/api/ops/export", params={"section": "groups", "group": "0" * 12}, headers=OPS)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "group_not_found"
    assert client.get("/api/ops/export", params={"section": "everything"}, headers=OPS).status_code == 422
    assert client.get("/api/ops/export", params={"section": "groups", "group": "../x"}, headers=OPS).status_code == 422
