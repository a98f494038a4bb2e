"""The bot's replies as Cloud API message payloads: text, reply buttons, lists.

Limits are WhatsApp's: a text holds 4,096 characters; a reply-button message
holds at most 3 buttons titled in 20 characters, with a body of 1,024; a list
holds at most 10 rows titled in 24 characters, with a body of 4,096.
"""

import logging
import re
from typing import Any

from api.schemas import BotMessage, Button, Source

logger = logging.getLogger(__name__)

TEXT_LIMIT = 4096
MAX_BUTTONS = 3
BUTTON_TITLE_LIMIT = 20
BUTTON_ID_LIMIT = 256
BUTTONS_BODY_LIMIT = 1024
MAX_ROWS = 10
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
ROW_ID_LIMIT = 200
LIST_BODY_LIMIT = 4096

# Label of the button that opens a list (20 characters at most), and the body of
# an interactive message whose text is empty (WhatsApp requires one).
LIST_LABEL = {"ar": "الخيارات", "fr": "Options", "en": "Options"}
CHOOSE_PROMPT = {"ar": "اختر:", "fr": "Choisissez :", "en": "Choose:"}

# Replies to messages the assistant cannot read (worker.py), each one sentence that says what it
# reads, sent with the agent button (the bot's `request_human` intent, as the domain's responses offer it).
AGENT_PAYLOAD = "/request_human"
AGENT_BUTTON = {"ar": "التحدث مع موظف", "fr": "Un conseiller humain", "en": "Talk to an agent"}
MEDIA_TEXTS: dict[str, dict[str, str]] = {
    # An image, document, sticker, location... while voice notes are transcribed.
    "text_and_voice_only": {
        "ar": "لا أستطيع أن أقرأ إلا الرسائل المكتوبة والرسائل الصوتية، فاكتب سؤالك أو سجله بصوتك، أو تحدث مع موظف.",
        "fr": "Je ne sais lire que les messages écrits et les messages vocaux : écrivez ou dites votre question, "
        "ou parlez à un conseiller.",
        "en": "I can only read text messages and voice notes, so please type or say your question, "
        "or talk to an agent.",
    },
    # Any message but text, when no speech model is configured.
    "text_only": {
        "ar": "لا أستطيع أن أقرأ إلا الرسائل المكتوبة، فاكتب سؤالك من فضلك، أو تحدث مع موظف.",
        "fr": "Je ne sais lire que les messages écrits : écrivez votre question, ou parlez à un conseiller.",
        "en": "I can only read text messages, so please type your question, or talk to an agent.",
    },
    # A voice note over WHATSAPP_MEDIA_MAX_BYTES.
    "voice_too_long": {
        "ar": "هذه الرسالة الصوتية أطول مما أستطيع قراءته، فأرسل رسالة أقصر أو اكتب سؤالك، أو تحدث مع موظف.",
        "fr": "Ce message vocal est trop long pour moi : envoyez-en un plus court ou écrivez votre question, "
        "ou parlez à un conseiller.",
        "en": "This voice note is too long for me, so please send a shorter one or type your question, "
        "or talk to an agent.",
    },
    # A voice note that could not be fetched, decoded or transcribed in time, or was silent.
    "voice_not_understood": {
        "ar": "لم أتمكن من فهم هذه الرسالة الصوتية، فأعد تسجيلها أو اكتب سؤالك، أو تحدث مع موظف.",
        "fr": "Je n'ai pas pu comprendre ce message vocal : renvoyez-le ou écrivez votre question, "
        "ou parlez à un conseiller.",
        "en": "I could not understand this voice note, so please send it again or type your question, "
        "or talk to an agent.",
    },
    # Said before the answer to a transcribed voice note.
    "heard": {"ar": "فهمت: «{text}»", "fr": "J'ai compris : « {text} »", "en": "I understood: “{text}”"},
}

# Where a chunk may end: after a sentence's closing punctuation (Latin or Arabic,
# with any closing quotes or brackets) followed by white space, or before a line break.
_SENTENCE_END = re.compile(r"[.!?؟…]+[\"'»”)\]]*(?=\s)")
_LINE_BREAK = re.compile(r"\n")
_SPACE = re.compile(r"\s")


def split_text(text: str, limit: int) -> list[str]:
    """Cut `text` into chunks of at most `limit` characters, on sentence boundaries.

    A sentence longer than `limit` is cut at its last space, and a word longer
    than `limit` at `limit`. Chunks keep their inner line breaks.
    """
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        sentence_ends = [m.end() for m in _SENTENCE_END.finditer(window)]
        sentence_ends += [m.start() for m in _LINE_BREAK.finditer(window)]
        spaces = [m.start() for m in _SPACE.finditer(window)]
        cut = max(sentence_ends, default=0) or max(spaces, default=0) or limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def with_sources(text: str, sources: list[Source] | None) -> str:
    """The text followed by one "title, article — url" line per distinct source."""
    lines: list[str] = []
    for source in sources or []:
        line = ", ".join(part for part in (source.title, source.ref) if part)
        if source.url:
            line = f"{line} — {source.url}"
        if line not in lines:
            lines.append(line)
    if not lines:
        return text
    cited = "\n".join(f"• {line}" for line in lines)
    return f"{text.rstrip()}\n\n{cited}" if text.strip() else cited


def shorten(title: str, limit: int) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def text_payloads(to: str, text: str) -> list[dict[str, Any]]:
    """A text as text messages of at most 4,096 characters each (an agent's reply, for one)."""
    return [_text(to, chunk) for chunk in split_text(text, TEXT_LIMIT)]


def media_text(key: str, language: str, **values: str) -> str:
    """A fixed text of MEDIA_TEXTS in `language` (Arabic when unknown)."""
    texts = MEDIA_TEXTS[key]
    return texts.get(language, texts["ar"]).format(**values)


def with_agent_button(to: str, text: str, language: str) -> list[dict[str, Any]]:
    """`text` with the button that asks for an agent, as a reply-button message."""
    title = AGENT_BUTTON.get(language, AGENT_BUTTON["ar"])
    return reply_payloads(to, [BotMessage(text=text, buttons=[Button(title=title, payload=AGENT_PAYLOAD)])], language)


def reply_payloads(to: str, messages: list[BotMessage], language: str) -> list[dict[str, Any]]:
    """The Graph API payloads that deliver the bot's messages to `to`, in order."""
    payloads: list[dict[str, Any]] = []
    for message in messages:
        text = with_sources(message.text, message.sources)
        buttons = _usable(message.buttons or [])
        if not buttons:
            payloads += text_payloads(to, text)
            continue
        body_limit = BUTTONS_BODY_LIMIT if len(buttons) <= MAX_BUTTONS else LIST_BODY_LIMIT
        chunks = split_text(text, TEXT_LIMIT)
        body = chunks.pop() if chunks else ""
        if len(body) > body_limit:
            # The choices go with the text's last sentences; what precedes them goes as text.
            last = body
            body = split_text(last, body_limit)[-1]
            chunks.append(last[: len(last) - len(body)].rstrip())
        payloads += [_text(to, chunk) for chunk in chunks]
        body = body or CHOOSE_PROMPT.get(language, CHOOSE_PROMPT["ar"])
        if len(buttons) <= MAX_BUTTONS:
            payloads.append(_buttons(to, body, buttons))
        else:
            payloads.append(_list(to, body, buttons, language))
    return payloads


def _usable(buttons: list[Button]) -> list[Button]:
    usable = []
    for button in buttons:
        if not button.title.strip() or not button.payload or len(button.payload) > BUTTON_ID_LIMIT:
            logger.warning("Dropped a button WhatsApp cannot carry: %r", button)
            continue
        usable.append(button)
    return usable


def _text(to: str, body: str) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        # Links in the sources get a preview only if the citizen taps them.
        "text": {"body": body, "preview_url": False},
    }


def _interactive(to: str, interactive: dict[str, Any]) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "interactive",
        "interactive": interactive,
    }


def _buttons(to: str, body: str, buttons: list[Button]) -> dict[str, Any]:
    return _interactive(to, {
        "type": "button",
        "body": {"text": body},
        "action": {
            "buttons": [
                {"type": "reply", "reply": {"id": b.payload, "title": shorten(b.title, BUTTON_TITLE_LIMIT)}}
                for b in buttons
            ]
        },
    })


def _list(to: str, body: str, buttons: list[Button], language: str) -> dict[str, Any]:
    rows = []
    for button in buttons:
        if len(rows) == MAX_ROWS:
            logger.warning("Dropped %d choice(s) beyond WhatsApp's %d rows", len(buttons) - MAX_ROWS, MAX_ROWS)
            break
        if len(button.payload) > ROW_ID_LIMIT:
            logger.warning("Dropped a choice whose payload is too long for a list row: %r", button)
            continue
        row = {"id": button.payload, "title": shorten(button.title, ROW_TITLE_LIMIT)}
        if row["title"] != " ".join(button.title.split()):
            # A cut title stays readable in full under it.
            row["description"] = shorten(button.title, ROW_DESCRIPTION_LIMIT)
        rows.append(row)
    return _interactive(to, {
        "type": "list",
        "body": {"text": body},
        "action": {"button": LIST_LABEL.get(language, LIST_LABEL["ar"]), "sections": [{"rows": rows}]},
    })
