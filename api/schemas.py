"""Request and response bodies of the API (they make up the OpenAPI schema)."""

import datetime as dt
import json
import unicodedata
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from languages import LANGUAGES

# The languages the bot answers in (languages.LANGUAGES), as the OpenAPI schema's enum.
Language = Literal[LANGUAGES]  # type: ignore[valid-type]  # a tuple subscript spreads into the values

SENDER_PATTERN = r"^[A-Za-z0-9_.:@+-]+$"
SENDER_MAX_CHARS = 128


def _json_safe(value: Any) -> bool:
    """True when `value` can be re-sent to Rasa as UTF-8 JSON.

    json.loads accepts NaN/Infinity and escaped lone surrogates ("\\ud800"), which
    the outgoing request could not encode; reject them here rather than fail later.
    """
    try:
        json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        return False
    return True


def _is_blank(text: str) -> bool:
    """Nothing to read: only spaces, control characters, or invisible format characters
    (right-to-left marks and overrides, bidi isolates, zero-width spaces)."""
    return all(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


def _plain_text(text: str) -> str:
    """A citizen's or agent's text: not blank, and sendable on as UTF-8 JSON."""
    if _is_blank(text):
        raise ValueError("must not be empty")
    if not _json_safe(text):
        raise ValueError("contains characters that are not valid Unicode text")
    return text


class ChatRequest(BaseModel):
    """One message from a citizen in the web chat."""

    sender: str = Field(
        min_length=1,
        max_length=SENDER_MAX_CHARS,
        pattern=SENDER_PATTERN,
        description=(
            "Conversation id chosen by the client and kept across messages "
            "(letters, digits and _ . : @ + -)."
        ),
        examples=["web-3f2a9c1e"],
    )
    message: str = Field(
        description=(
            "What the citizen wrote, in Arabic, Darija, French or English; or a "
            "button payload such as `/greet`. Must not be blank; at most "
            "MAX_MESSAGE_CHARS characters."
        ),
        examples=["ما هو الحد الأدنى للأجر؟"],
    )
    metadata: dict[str, Any] | None = Field(
        default=None,
        description="Optional free-form object passed to Rasa with the message.",
    )

    @field_validator("message")
    @classmethod
    def _not_blank(cls, message: str) -> str:
        return _plain_text(message)

    @field_validator("metadata")
    @classmethod
    def _metadata_json_safe(cls, metadata: dict[str, Any] | None) -> dict[str, Any] | None:
        if metadata is not None and not _json_safe(metadata):
            raise ValueError("must be plain JSON (no NaN/Infinity, valid Unicode text)")
        return metadata


class Button(BaseModel):
    """A suggested reply; clicking it sends `payload` and shows `title`."""

    title: str
    payload: str


class Source(BaseModel):
    """A ministry text the answer was drawn from."""

    # An article number may arrive as a number; it is shown as text either way.
    model_config = ConfigDict(coerce_numbers_to_str=True)

    doc_id: str
    title: str
    ref: str | None = Field(default=None, description="Article or section cited, e.g. 'Art. 356'.")
    url: str | None = Field(default=None, description="Link to the text, when it has one.")


class SourceShown(Source):
    """A source sent back by a client as it was shown: text, as documented (no coercion)."""

    model_config = ConfigDict(coerce_numbers_to_str=False)


class Handoff(BaseModel):
    """The ticket opened when the citizen asked for a person; agents reply on it."""

    reference: str


class BotMessage(BaseModel):
    """One message of the assistant's reply."""

    text: str
    buttons: list[Button] | None = None
    sources: list[Source] | None = None
    handoff: Handoff | None = Field(
        default=None, description="Set on the message that opened a handoff to an agent."
    )


class ChatReply(BaseModel):
    """The assistant's reply to one citizen message."""

    sender: str
    language: Language = Field(description="Language the assistant answered in.")
    messages: list[BotMessage]


class FieldProblem(BaseModel):
    field: str = Field(description="Dotted path of the offending field, e.g. 'message'.")
    problem: str


class ErrorInfo(BaseModel):
    code: str = Field(
        description="Stable machine-readable code, e.g. 'invalid_request', 'assistant_unavailable'."
    )
    message: str = Field(description="Readable explanation, safe to show to the citizen.")
    details: list[FieldProblem] | None = Field(
        default=None, description="Per-field problems, for invalid requests."
    )


class ErrorBody(BaseModel):
    """The one shape of every error answered by the API."""

    error: ErrorInfo


class ComponentStatus(BaseModel):
    ready: bool
    detail: str


class HealthComponents(BaseModel):
    rasa: ComponentStatus
    actions: ComponentStatus
    index: ComponentStatus


class HealthReport(BaseModel):
    status: Literal["ok", "degraded"]
    components: HealthComponents



FEEDBACK_TEXT_MAX_CHARS = 8000
FEEDBACK_COMMENT_MAX_CHARS = 1000
FEEDBACK_MAX_SOURCES = 20


class FeedbackRequest(BaseModel):
    """A citizen's rating of one answer, sent with the answer as it was shown."""

    sender: str = Field(
        min_length=1, max_length=SENDER_MAX_CHARS, pattern=SENDER_PATTERN,
        description="The conversation id the answer was given in.",
    )
    message_text: str = Field(
        min_length=1, max_length=FEEDBACK_TEXT_MAX_CHARS, description="The answer being rated."
    )
    sources: list[SourceShown] = Field(
        default_factory=list, max_length=FEEDBACK_MAX_SOURCES, description="The sources shown with it."
    )
    rating: Literal["up", "down"]
    comment: str | None = Field(default=None, max_length=FEEDBACK_COMMENT_MAX_CHARS)
    language: Language | None = Field(default=None, description="Language the answer was in.")

    @field_validator("message_text")
    @classmethod
    def _text_not_blank(cls, text: str) -> str:
        return _plain_text(text)

    @field_validator("comment")
    @classmethod
    def _comment_text(cls, comment: str | None) -> str | None:
        if comment is None or not comment.strip():
            return None  # an empty comment box is no comment
        if not _json_safe(comment):
            raise ValueError("contains characters that are not valid Unicode text")
        return comment.strip()


class FeedbackSaved(BaseModel):
    id: int
    rating: Literal["up", "down"]


# --- Agent assist and handoff tickets (call-centre agents) ---

ASSIST_MAX_TURNS = 50
AGENT_REPLY_MAX_CHARS = 4096  # WhatsApp's limit on one text message


class ConversationTurn(BaseModel):
    role: Literal["citizen", "bot", "agent"]
    text: str = Field(max_length=4000)


class SuggestRequest(BaseModel):
    """What the caller said, as typed or pasted by the agent."""

    text: str = Field(
        description="The caller's words (Arabic, Darija, French or English); at most MAX_MESSAGE_CHARS characters.",
        examples=["ما هو الحد الأدنى للأجر؟"],
    )
    language: Language | None = Field(
        default=None,
        description="Language of the suggestions, when the agent wants another one than the caller's.",
    )
    conversation: list[ConversationTurn] = Field(
        default_factory=list,
        max_length=ASSIST_MAX_TURNS,
        description="Earlier turns, oldest first; they help tell the caller's language.",
    )

    @field_validator("text")
    @classmethod
    def _text_not_blank(cls, text: str) -> str:
        return _plain_text(text)


class Intent(BaseModel):
    name: str = Field(description="The bot's intent, e.g. 'ask_question', 'greet', 'nlu_fallback'.")
    confidence: float


class Suggestion(BaseModel):
    text: str
    score: float = Field(description="Retrieval score (knowledge) or intent confidence (bot), 0 to 1.")
    sources: list[Source]
    origin: Literal["knowledge", "bot"] = Field(
        description="'knowledge': composed from the index; 'bot': the bot's own response for the intent."
    )


class SuggestReply(BaseModel):
    language: Language = Field(description="The caller's language.")
    suggestion_language: Language = Field(description="Language the suggestions are written in.")
    intent: Intent
    suggestions: list[Suggestion] = Field(max_length=3)


class TicketTurn(BaseModel):
    role: str = Field(description="'citizen' or 'bot'.")
    text: str


class AgentReplyOut(BaseModel):
    id: int
    text: str
    created_at: dt.datetime
    delivery: Literal["stored", "sent", "failed"] = Field(
        description=(
            "'stored': kept for the web chat to fetch; 'sent': handed to WhatsApp; "
            "'failed': WhatsApp refused it (the agent should try again)."
        )
    )


class Ticket(BaseModel):
    reference: str
    sender: str
    channel: str = Field(
        description="Where the citizen wrote from: 'whatsapp', else the web chat ('web', or Rasa's 'rest')."
    )
    language: Language
    status: Literal["open", "closed"]
    created_at: dt.datetime
    closed_at: dt.datetime | None = None
    transcript: list[TicketTurn] = Field(description="The conversation before the handoff, oldest first.")
    replies: list[AgentReplyOut] = Field(description="What agents wrote on this ticket, oldest first.")


class TicketList(BaseModel):
    tickets: list[Ticket]


class AgentReplyRequest(BaseModel):
    text: str = Field(min_length=1, max_length=AGENT_REPLY_MAX_CHARS)

    @field_validator("text")
    @classmethod
    def _text_not_blank(cls, text: str) -> str:
        return _plain_text(text).strip()


class AgentMessage(BaseModel):
    id: int = Field(description="Increasing; pass the last one seen as `after`.")
    ticket_reference: str
    text: str
    created_at: dt.datetime


class AgentMessages(BaseModel):
    sender: str
    messages: list[AgentMessage]
