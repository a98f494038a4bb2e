"""Hand a conversation over to a human agent: open a ticket, then let the bot fall silent."""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from actions.metadata import user_metadata
from actions.settings import open_store
from languages import language_or_default
from observability.logs import bind_request_id
from store import HandoffTicket

TRANSCRIPT_TURNS = 50
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on the phone


def new_reference() -> str:
    return "HT-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


def transcript_of(events: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The conversation's user and bot texts, oldest first, last turns only."""
    turns = [
        {"role": "citizen" if e["event"] == "user" else "bot", "text": e["text"]}
        for e in events
        if e.get("event") in ("user", "bot") and e.get("text")
    ]
    return turns[-TRANSCRIPT_TURNS:]


def open_ticket(
    engine: Engine, sender: str, channel: str, language: str, transcript: list[dict[str, str]]
) -> HandoffTicket:
    for _ in range(5):  # a clash of random references is rare; draw again
        ticket = HandoffTicket(
            reference=new_reference(),
            sender=sender,
            channel=channel,
            language=language,
            transcript=transcript,
            status="open",
            created_at=dt.datetime.now(dt.timezone.utc),
        )
        try:
            with Session(engine, expire_on_commit=False) as session, session.begin():
                session.add(ticket)
            return ticket
        except IntegrityError:
            continue
    raise RuntimeError("could not allocate a unique ticket reference")


def channel_of(tracker: Tracker) -> str:
    """The channel the API named in the latest user message's metadata (``web``, ``whatsapp``)."""
    return str(user_metadata(tracker).get("channel") or tracker.get_latest_input_channel() or "web")


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        bind_request_id(user_metadata(tracker))
        language = language_or_default(tracker.get_slot("language"))
        ticket = open_ticket(
            open_store(), tracker.sender_id, channel_of(tracker), language, transcript_of(tracker.events)
        )
        dispatcher.utter_message(
            response="utter_handoff_opened",
            reference=ticket.reference,
            json_message={"handoff": {"reference": ticket.reference}, "language": language},
        )
        # A half-filled case form is dropped with its identity details.
        return [SlotSet("case_number", None), SlotSet("national_id", None), ConversationPaused()]
