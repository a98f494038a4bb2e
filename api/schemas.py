"""Request and response bodies of the API (they make up the OpenAPI schema)."""

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# The languages the bot answers in; the `language` slot is categorical over these.
Language = Literal["ar", "fr", "en"]
LANGUAGES: tuple[str, ...] = ("ar", "fr", "en")

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
        if not message.strip():
            raise ValueError("must not be empty")
        if not _json_safe(message):
            raise ValueError("contains characters that are not valid Unicode text")
        return message

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


class BotMessage(BaseModel):
    """One message of the assistant's reply."""

    text: str
    buttons: list[Button] | None = None
    sources: list[Source] | None = None


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

