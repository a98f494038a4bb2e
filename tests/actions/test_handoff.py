import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.handoff import ActionRequestHuman, transcript_of
from actions.settings import open_store
from store import HandoffTicket
from tests.actions.conftest import says

EVENTS = [
    {"event": "action", "name": "action_listen"},
    {"event": "user", "text": "salam", "parse_data": {}},
    {"event": "bot", "text": "مرحبا"},
    {"event": "user", "text": "bghit nhder m3a chi wa7ed", "metadata": {"channel": "whatsapp"}},
]


pytestmark = pytest.mark.usefixtures("store_in_tmp")


def test_transcript_keeps_user_and_bot_texts_in_order():
    assert transcript_of(EVENTS) == [
        {"role": "citizen", "text": "salam"},
        {"role": "bot", "text": "مرحبا"},
        {"role": "citizen", "text": "bghit nhder m3a chi wa7ed"},
    ]


def test_request_opens_a_ticket_and_pauses_the_conversation():
    tracker = Tracker(
        "212600000001", {"language": "ar"}, {"text": EVENTS[-1]["text"]},
        EVENTS, False, None, {}, "",
    )
    dispatcher = CollectingDispatcher()
    events = ActionRequestHuman().run(dispatcher, tracker, {})
    assert events[-1] == {"event": "pause", "timestamp": None}
    assert {"event": "slot", "timestamp": None, "name": "national_id", "value": None} in events
    with Session(open_store()) as session:
        ticket = session.scalars(select(HandoffTicket)).one()
    assert (ticket.sender, ticket.channel, ticket.language, ticket.status) == ("212600000001", "whatsapp", "ar", "open")
    assert ticket.transcript[-1]["text"] == "bghit nhder m3a chi wa7ed"
    assert dispatcher.messages[0]["response"] == "utter_handoff_opened"
    assert ticket.reference in says(dispatcher.messages[0], "ar")
    assert dispatcher.messages[0]["custom"]["handoff"]["reference"] == ticket.reference
