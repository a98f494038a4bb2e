"""bot.nlu_thread: a message's NLU runs on the NLU thread, and the turn keeps the API's request id."""
import asyncio
import threading

from rasa.core.channels.channel import UserMessage

from bot import nlu_thread
from observability.logs import request_id


class Processor:
    """The parts of Rasa's MessageProcessor that parse_message uses."""

    http_interpreter = None

    def _parse_message_with_graph(self, message, tracker, only_output_properties):
        return {"text": message.text, "thread": threading.current_thread().name, "sender": tracker.sender_id}

    def _update_full_retrieval_intent(self, parse_data):
        parse_data["retrieval_intent_updated"] = True

    def _check_for_unseen_features(self, parse_data):
        parse_data["features_checked"] = True


def test_the_message_is_parsed_on_the_nlu_thread_and_finished_on_the_loop():
    async def turn():
        message = UserMessage("salam", sender_id="citizen-1", metadata={"request_id": "r-123"})
        parsed = await nlu_thread._parse_message(Processor(), message)
        return parsed, request_id.get()

    parsed, bound = asyncio.run(turn())
    assert parsed["thread"].startswith("nlu") and parsed["thread"] != threading.current_thread().name
    assert parsed == {**parsed, "text": "salam", "sender": "citizen-1",
                      "retrieval_intent_updated": True, "features_checked": True}
    assert bound == "r-123"
