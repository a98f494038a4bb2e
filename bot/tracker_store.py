"""Rasa's Redis tracker store, without reading back a conversation it has just read.

Rasa's ``RedisTrackerStore.retrieve`` hands out the conversation's last session only; its
``save`` therefore reads the stored conversation again, rebuilds it event by event and
merges the two, comparing every event with every other when the session handed out does not
begin the conversation. It never does here: the ``language`` slot is set before the
session starts. On the load bench that re-read, rebuild and merge were more than half of
the tracker store's CPU (``bench/load.py --profile production --py-spy``).

:class:`ConversationStore` hands out the same last session, keeping the events stored before
it (as stored) on the tracker, and saves such a tracker with one write: those events, then the
session's. A turn holds the conversation's lock (``LOCK_STORE_URL``) from the read to the
save, so nothing else can have written in between. Any other tracker (a new conversation, a
store with ``max_event_history``) is saved by Rasa's own code.
"""

from __future__ import annotations

import json
from typing import Optional, Text

from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions

# Set on a tracker handed out by ConversationStore: the stored events before its session, as stored.
EARLIER_EVENTS = "_earlier_events"


class ConversationStore(RedisTrackerStore):
    """``RedisTrackerStore`` that saves a conversation it handed out without reading it back first.

    Usage (Rasa's endpoints file, written by :mod:`bot.endpoints`):
    ```yaml
    tracker_store:
      type: bot.tracker_store.ConversationStore
      url: 127.0.0.1
      port: 6379
      db: 2
    ```
    """

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        tracker = await self.retrieve_full_tracker(sender_id)
        if tracker is None:
            return None
        sessions = get_trackers_for_conversation_sessions(tracker)
        last = sessions[-1] if len(sessions) > 1 else tracker  # as Rasa's own store
        if self.max_event_history is None:
            earlier = list(tracker.events)[: len(tracker.events) - len(last.events)]
            setattr(last, EARLIER_EVENTS, [event.as_dict() for event in earlier])
        return last

    async def save(self, tracker: DialogueStateTracker, timeout: Optional[float] = None) -> None:
        earlier = getattr(tracker, EARLIER_EVENTS, None)
        if earlier is None:
            await super().save(tracker, timeout)
            return
        await self.stream_events(tracker)
        dialogue = tracker.as_dialogue().as_dict()
        dialogue["events"] = earlier + dialogue["events"]
        self.red.set(self.key_prefix + tracker.sender_id, json.dumps(dialogue), ex=timeout or self.record_exp)
