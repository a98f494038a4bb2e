"""Answers acknowledged WhatsApp messages in the background, from the inbox.

The webhook stores each message, then hands it here; the worker asks Rasa and
sends the reply through the Graph API. Messages of one citizen go to the same
queue, so they are answered in the order they came.

Every message gets a reply. A voice note is fetched from the Graph API and
transcribed when a speech model is loaded, then answered like typed text after
"I understood: …"; any other media, or a voice note that cannot be had or
understood, gets one sentence saying what the assistant reads, with the agent
button, and its inbox row keeps the media id and why.
"""

import asyncio
import contextlib
import functools
import logging
import zlib
from typing import Any

import anyio
from sqlalchemy.engine import Engine

from api import conversations
from api.metrics import AssistantMetrics
from api.rasa_client import AssistantFailed, AssistantUnreachable, RasaClient
from api.turn import citizen_turn
from api.whatsapp import inbox
from api.whatsapp.graph import GraphClient, GraphMedia, GraphSendFailed, MediaUnavailable
from api.whatsapp.inbound import TEXT, InboundMessage
from api.whatsapp.messages import media_text, reply_payloads, text_payloads, with_agent_button
from api.whatsapp.speech import Transcriber, TranscriptionFailed
from languages import DEFAULT_LANGUAGE
from observability.logs import request_id
from observability.pseudonyms import client_pseudonym

logger = logging.getLogger(__name__)

SENDER_PREFIX = "wa:"
CHANNEL = "whatsapp"

# Sent when Rasa cannot answer; its language is unknown then, so it is in all three.
UNAVAILABLE = (
    "عذرًا، المساعد غير متاح حاليًا. يرجى المحاولة بعد بضع دقائق.\n"
    "L'assistant est momentanément indisponible. Veuillez réessayer dans quelques minutes.\n"
    "The assistant is temporarily unavailable. Please try again in a few minutes."
)


def rasa_sender(wa_id: str) -> str:
    """The Rasa conversation id of a WhatsApp citizen, e.g. ``wa:212600000001``."""
    return f"{SENDER_PREFIX}{wa_id}"


def rasa_metadata(wa_id: str, pseudonym_key: str | None = None) -> dict[str, str]:
    """The channel, and the client: a WhatsApp number is the client address of the case look-up's
    count of failures, kept as a keyed hash (observability.pseudonyms)."""
    return {"channel": CHANNEL, "client": client_pseudonym(CHANNEL, wa_id, pseudonym_key)}


class WhatsAppWorker:
    """Background answering of WhatsApp messages.

    Usage::

        worker = WhatsAppWorker(engine, rasa, graph, workers=4, claim_timeout_s=600, metrics=app.state.metrics)
        await worker.start()          # also re-queues what a previous run left unanswered
        await worker.accept(messages) # from the webhook: stored, then queued
        await worker.stop()
    """

    def __init__(
        self,
        engine: Engine,
        rasa: RasaClient,
        graph: GraphClient,
        *,
        workers: int,
        claim_timeout_s: float,
        metrics: AssistantMetrics,
        pseudonym_key: str | None = None,
        media: GraphMedia | None = None,
        speech: Transcriber | None = None,
        speech_timeout_s: float = 60.0,
    ) -> None:
        self.graph = graph
        self._media = media
        # Voice notes are transcribed only with both the media client and a speech model.
        self._speech = speech if media is not None else None
        self._speech_timeout_s = speech_timeout_s
        self._pseudonym_key = pseudonym_key
        self._engine = engine
        self._rasa = rasa
        self._claim_timeout_s = claim_timeout_s
        self._metrics = metrics
        self._queues: list[asyncio.Queue[InboundMessage]] = [asyncio.Queue() for _ in range(workers)]
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._consume(queue)) for queue in self._queues]
        left = await anyio.to_thread.run_sync(inbox.unanswered, self._engine, self._claim_timeout_s)
        if left:
            logger.info("Answering %d WhatsApp message(s) left unanswered by a previous run", len(left))
        self._enqueue(left)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def accept(self, messages: list[InboundMessage]) -> int:
        """Store the messages (a message id seen before is dropped) and queue the new ones."""
        new = await anyio.to_thread.run_sync(inbox.record, self._engine, messages)
        self._enqueue(new)
        return len(new)

    def _enqueue(self, messages: list[InboundMessage]) -> None:
        for message in messages:
            queue = self._queues[zlib.crc32(message.wa_id.encode()) % len(self._queues)]
            queue.put_nowait(message)

    async def _consume(self, queue: asyncio.Queue[InboundMessage]) -> None:
        while True:
            message = await queue.get()
            try:
                await self._answer(message.message_id)
            except asyncio.CancelledError:
                # Shutting down: the next start answers it without waiting for the claim to
                # expire. If the store cannot be reached now, the claim expires on its own.
                with contextlib.suppress(Exception):
                    inbox.release(self._engine, message.message_id)
                raise
            except Exception as exc:
                logger.exception("WhatsApp message %s: unexpected error", message.message_id)
                self._metrics.record_error(CHANNEL, "internal_error")
                await self._finish(message.message_id, "failed", f"unexpected error: {exc!r}")
            finally:
                queue.task_done()

    async def _answer(self, message_id: str) -> None:
        message = await anyio.to_thread.run_sync(inbox.claim, self._engine, message_id, self._claim_timeout_s)
        if message is None:
            return  # answered already, or another worker holds it
        sender = rasa_sender(message.wa_id)
        # The WhatsApp message id ties this answer's log lines together across processes.
        request_id.set(message_id)
        if message.kind == TEXT:
            await self._answer_text(message, sender, message.text)
        elif message.kind == "audio" and self._speech is not None:
            await self._answer_voice(message, sender)
        else:
            logger.info("WhatsApp message %s of type %r: told what the assistant reads", message_id, message.kind)
            key = "text_and_voice_only" if self._speech is not None else "text_only"
            await self._decline(message, sender, key, None)

    async def _answer_text(self, message: InboundMessage, sender: str, text: str, heard: bool = False) -> None:
        """Ask Rasa and send its reply; a transcript (`heard`) is shown back first."""
        message_id = message.message_id
        try:
            turn = await citizen_turn(
                self._rasa, self._metrics, channel=CHANNEL, sender=sender, text=text,
                metadata=rasa_metadata(message.wa_id, self._pseudonym_key),
            )
        except (AssistantUnreachable, AssistantFailed) as exc:
            logger.error("WhatsApp message %s: Rasa could not answer: %s", message_id, exc)
            # The web chat's error codes for the same failures.
            unreachable = isinstance(exc, AssistantUnreachable)
            self._metrics.record_error(CHANNEL, "assistant_unavailable" if unreachable else "assistant_error")
            not_sent = await self._deliver(message_id, text_payloads(message.wa_id, UNAVAILABLE))
            error = f"Rasa: {exc}" + (f"; apology not sent: {not_sent}" if not_sent else "")
            await self._finish(message_id, "failed", error)
            return
        replies, language = turn.replies, turn.language
        # Kept with its outcome for the operators' review (/ops), masked; a store failure is only logged.
        await anyio.to_thread.run_sync(functools.partial(
            conversations.record_turn_quietly, self._engine, sender=sender, channel=CHANNEL, language=language,
            question=text, items=turn.items, replies=replies, pseudonym_key=self._pseudonym_key,
        ))
        payloads = reply_payloads(message.wa_id, replies, language)
        if heard:
            payloads = text_payloads(message.wa_id, media_text("heard", language, text=text)) + payloads
        not_sent = await self._deliver(message_id, payloads)
        if not_sent:
            self._metrics.record_error(CHANNEL, "reply_not_delivered")
            await self._finish(message_id, "failed", f"Graph API: {not_sent}")
        else:
            await self._finish(message_id, "answered")

    async def _answer_voice(self, message: InboundMessage, sender: str) -> None:
        """Fetch and transcribe a voice note, then answer its text; or say why it was not understood."""
        assert self._media is not None and self._speech is not None
        try:
            if not message.media_id:
                raise MediaUnavailable("not_found", "the webhook gave no media id")
            declared = (message.mime_type or "audio/").lower()
            if not declared.startswith("audio/"):
                raise MediaUnavailable("not_audio", f"the webhook declares {message.mime_type}, not audio/*")
            media = await self._media.fetch(message.media_id, accept="audio/")
            transcript = await self._speech.transcribe(media.content, timeout_s=self._speech_timeout_s)
        except (MediaUnavailable, TranscriptionFailed) as exc:
            logger.warning("WhatsApp message %s: voice note not understood (%s): %s", message.message_id, exc.code, exc)
            self._metrics.record_error(CHANNEL, f"voice_note_{exc.code}")
            key = {"too_large": "voice_too_long", "not_audio": "text_and_voice_only"}.get(exc.code, "voice_not_understood")
            await self._decline(message, sender, key, f"voice note {exc.code}: {exc}")
            return
        if not transcript.text.strip():
            logger.warning("WhatsApp message %s: voice note not understood (empty): no speech recognised", message.message_id)
            self._metrics.record_error(CHANNEL, "voice_note_empty")
            await self._decline(message, sender, "voice_not_understood", "voice note empty: no speech recognised")
            return
        logger.info(
            "WhatsApp message %s: voice note transcribed (%d characters, language %s)",
            message.message_id, len(transcript.text), transcript.language,
        )
        await self._answer_text(message, sender, transcript.text.strip(), heard=True)

    async def _decline(self, message: InboundMessage, sender: str, key: str, problem: str | None) -> None:
        """Say what the assistant reads, with the agent button, in the conversation's language.

        A `problem` (a voice note that should have been read) marks the inbox row `failed` with
        it; a message that is not for the assistant to read is `answered` by this reply.
        """
        language = await self._rasa.conversation_language(sender) or DEFAULT_LANGUAGE
        payloads = with_agent_button(message.wa_id, media_text(key, language), language)
        not_sent = await self._deliver(message.message_id, payloads)
        if not_sent:
            self._metrics.record_error(CHANNEL, "reply_not_delivered")
        errors = [e for e in (problem, not_sent and f"Graph API: {not_sent}") if e]
        await self._finish(message.message_id, "failed" if errors else "answered", "; ".join(errors) or None)

    async def _deliver(self, message_id: str, payloads: list[dict[str, Any]]) -> str | None:
        """Send the payloads in order; return why one was not sent, or None when all were."""
        for payload in payloads:
            try:
                await self.graph.send(payload)
            except GraphSendFailed as exc:
                logger.error("WhatsApp message %s: reply not delivered: %s", message_id, exc)
                return str(exc)
        return None

    async def _finish(self, message_id: str, status: str, error: str | None = None) -> None:
        try:
            await anyio.to_thread.run_sync(inbox.finish, self._engine, message_id, status, error)
        except Exception:
            logger.exception("WhatsApp message %s: could not be marked %s", message_id, status)
