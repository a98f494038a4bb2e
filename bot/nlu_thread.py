"""The Rasa server's NLU runs on its own thread, off the server's event loop.

Rasa 3.6 runs the NLU pipeline (DIET above all) on the event loop that also carries
every other conversation's hops: the call to the action server, its reply, the
answer to the API. A knowledge turn or a form step, which has more hops than a
greeting, then waits behind a whole NLU run of each other conversation at each hop.
Here each message's NLU runs on one worker thread per process, in arrival order,
while the loop goes on with the short hops; the thread and the loop share the
interpreter, so this buys fairness, not a second core (one Rasa server per core
does that, see the README). `install` is called once per server (bot/nlg.py).
"""

from __future__ import annotations

import asyncio
import contextvars
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from observability.logs import bind_request_id

_original_parse_message = MessageProcessor.parse_message
# One thread: messages are parsed one at a time, as on the loop, and in the order they came.
_nlu = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlu")


async def _parse_message(
    self: MessageProcessor,
    message: UserMessage,
    tracker: Optional[DialogueStateTracker] = None,
    only_output_properties: bool = True,
) -> Dict[Text, Any]:
    if self.http_interpreter:
        return await _original_parse_message(self, message, tracker, only_output_properties)
    if tracker is None:
        tracker = DialogueStateTracker.from_events(message.sender_id, [])
    context = contextvars.copy_context()
    parse_data = await asyncio.get_running_loop().run_in_executor(
        _nlu, context.run, self._parse_message_with_graph, message, tracker, only_output_properties
    )
    # The language detector bound the API's request id on the thread; the turn's later log lines want it too.
    bind_request_id(message.metadata)
    self._update_full_retrieval_intent(parse_data)
    self._check_for_unseen_features(parse_data)
    return parse_data


def install() -> None:
    """Parse messages on the NLU thread in this Rasa process (idempotent)."""
    MessageProcessor.parse_message = _parse_message
