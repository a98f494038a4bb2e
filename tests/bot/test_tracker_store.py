"""bot.tracker_store.ConversationStore on a real Redis, against Rasa's own RedisTrackerStore."""
import asyncio
import json
from urllib.parse import urlsplit

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered

from bot.tracker_store import EARLIER_EVENTS, ConversationStore


def store(kind, redis_url, db):
    parts = urlsplit(redis_url)
    # as Rasa builds it from the endpoints file: wrapped in its fail-safe store
    return FailSafeTrackerStore(kind(Domain.empty(), host=parts.hostname, port=parts.port, db=db))


async def turn(tracker_store, sender, text, new_session=False):
    tracker = await tracker_store.get_or_create_tracker(sender, append_action_listen=False)
    if not tracker.events or new_session:
        # the API's language slot comes before the session starts, as in the running bot
        tracker.update(SlotSet("language", "fr"))
        tracker.update(ActionExecuted("action_session_start"))
        tracker.update(SessionStarted())
        tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(text))
    tracker.update(ActionExecuted("utter_answer"))
    tracker.update(ActionExecuted("action_listen"))
    await tracker_store.save(tracker)
    return tracker


def stored_events(tracker_store, sender):
    events = json.loads(tracker_store._tracker_store.red.get(f"tracker:{sender}"))["events"]
    return [{k: v for k, v in e.items() if k != "timestamp"} for e in events]


@pytest.mark.parametrize("sessions", [1, 2])
def test_it_stores_what_rasas_own_store_stores_without_reading_back(redis_url, sessions):
    ours, rasas = store(ConversationStore, redis_url, 11), store(RedisTrackerStore, redis_url, 12)
    citizen = f"citizen-{sessions}"  # the Redis server lives for the whole test session

    async def conversation(tracker_store):
        last = None
        for session in range(sessions):
            for number, text in enumerate(("bonjour", "congé annuel ?", "merci")):
                last = await turn(tracker_store, citizen, text, new_session=session > 0 and number == 0)
        return last

    last = asyncio.run(conversation(ours))
    asyncio.run(conversation(rasas))
    assert stored_events(ours, citizen) == stored_events(rasas, citizen)
    assert len(stored_events(ours, citizen)) == sessions * 13
    # the tracker of a later turn carried the stored events before its session
    assert getattr(last, EARLIER_EVENTS, None)
    # a reader gets the last session, as from Rasa's store
    again = asyncio.run(ours.retrieve(citizen))
    assert [e.as_dict()["event"] for e in again.events][:2] == ["action", "session_started"]


def test_a_tracker_it_did_not_hand_out_is_saved_by_rasas_merge(redis_url):
    ours = store(ConversationStore, redis_url, 13)
    asyncio.run(turn(ours, "agent-view", "bonjour"))
    whole = asyncio.run(ours._tracker_store.retrieve_full_tracker("agent-view"))
    assert getattr(whole, EARLIER_EVENTS, None) is None
    whole.update(UserUttered("encore"))
    asyncio.run(ours.save(whole))
    assert [e["event"] for e in stored_events(ours, "agent-view")].count("user") == 2
