"""Request bodies: a text made only of invisible characters is empty."""
import pytest
from pydantic import ValidationError

from api.schemas import AgentReplyRequest, ChatRequest, FeedbackRequest, SuggestRequest

INVISIBLE = ["\u200f", "\u202e\u2066\u2069", "\u200b\u200d\ufeff", " \u200f\t\u202e ", "\x00\x1b"]
VISIBLE = ["👍", "\u200fمرحبا", "\u202esalam\u202c", "🇲🇦", "\u2066AB123456\u2069"]


def bodies(text: str) -> list:
    return [
        lambda: ChatRequest(sender="web-1", message=text),
        lambda: FeedbackRequest(sender="web-1", message_text=text, rating="up"),
        lambda: SuggestRequest(text=text),
        lambda: AgentReplyRequest(text=text),
    ]


@pytest.mark.parametrize("text", INVISIBLE, ids=ascii)
def test_only_invisible_characters_is_empty(text):
    for build in bodies(text):
        with pytest.raises(ValidationError, match="must not be empty"):
            build()


@pytest.mark.parametrize("text", VISIBLE, ids=ascii)
def test_visible_text_with_direction_marks_is_kept_as_sent(text):
    assert ChatRequest(sender="web-1", message=text).message == text
    assert SuggestRequest(text=text).text == text
