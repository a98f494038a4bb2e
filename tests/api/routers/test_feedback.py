"""POST /api/feedback: a citizen's rating, stored in the real SQL store with its answer."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from api.schemas import FEEDBACK_COMMENT_MAX_CHARS, FEEDBACK_TEXT_MAX_CHARS
from store.models import Feedback

SOURCE = {"doc_id": "code-travail", "title": "Code du travail", "ref": "Art. 231", "url": None}


@pytest.fixture
def store_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'store' / 'ministry.db'}"


@pytest.fixture
def client(client_for, store_url):
    return client_for(database_url=store_url)


def stored(store_url: str) -> list[Feedback]:
    engine = create_engine(store_url)
    try:
        with Session(engine) as session:
            return list(session.scalars(select(Feedback).order_by(Feedback.id)))
    finally:
        engine.dispose()


def test_a_rating_is_stored_with_the_answer_and_its_sources(client, store_url):
    answer = "La durée du congé annuel payé est d'un jour et demi par mois de service."
    response = client.post("/api/feedback", json={
        "sender": "web-abc123", "message_text": answer, "sources": [SOURCE],
        "rating": "up", "language": "fr",
    })
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["rating"] == "up" and isinstance(body["id"], int)

    [row] = stored(store_url)
    assert row.id == body["id"]
    assert (row.sender, row.channel, row.language, row.rating) == ("web-abc123", "web", "fr", "up")
    assert row.message_text == answer
    assert row.sources == [SOURCE]
    assert row.comment is None
    assert row.created_at is not None


def test_a_thumbs_down_keeps_the_comment_and_arabic_text(client, store_url):
    response = client.post("/api/feedback", json={
        "sender": "web-ar", "message_text": "الحد الأدنى للأجر محدد بمرسوم.",
        "rating": "down", "comment": "  الجواب غير واضح  ",
    })
    assert response.status_code == 201, response.text
    [row] = stored(store_url)
    assert row.rating == "down"
    assert row.comment == "الجواب غير واضح"
    assert row.message_text == "الحد الأدنى للأجر محدد بمرسوم."
    assert row.sources == [] and row.language is None


def test_each_rating_is_its_own_row(client, store_url):
    for rating in ("up", "down"):
        payload = {"sender": "web-1", "message_text": "answer", "rating": rating}
        assert client.post("/api/feedback", json=payload).status_code == 201
    assert [row.rating for row in stored(store_url)] == ["up", "down"]


@pytest.mark.parametrize("change, field", [
    ({"rating": "meh"}, "rating"),
    ({"rating": None}, "rating"),
    ({"sender": "has space"}, "sender"),
    ({"sender": ""}, "sender"),
    ({"message_text": "   "}, "message_text"),
    ({"message_text": "x" * (FEEDBACK_TEXT_MAX_CHARS + 1)}, "message_text"),
    ({"comment": "x" * (FEEDBACK_COMMENT_MAX_CHARS + 1)}, "comment"),
    ({"sources": [{"title": "no doc id"}]}, "sources.0.doc_id"),
    ({"sources": "Code du travail"}, "sources"),
    ({"language": "de"}, "language"),
])
def test_bad_feedback_is_a_422_naming_the_field_and_nothing_is_stored(client, store_url, change, field):
    payload = {"sender": "web-1", "message_text": "answer", "rating": "up", **change}
    response = client.post("/api/feedback", json=payload)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert field in [d["field"] for d in error["details"]], error
    assert stored(store_url) == []


def test_missing_rating_is_reported(client):
    response = client.post("/api/feedback", json={"sender": "web-1", "message_text": "answer"})
    assert response.status_code == 422
    assert {"field": "rating", "problem": "is required"} in response.json()["error"]["details"]


def test_a_body_that_is_not_json_is_a_400(client):
    response = client.post(
        "/api/feedback", content=b"{rating: up", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


def test_a_store_that_cannot_be_opened_is_a_503_in_json(client_for, tmp_path):
    # A file where the database's folder should be: SQLite cannot open it.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    client = client_for(database_url=f"sqlite:///{blocker / 'ministry.db'}")
    response = client.post("/api/feedback", json={"sender": "web-1", "message_text": "a", "rating": "up"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "store_unavailable"
