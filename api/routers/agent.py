"""Handoff tickets for call-centre agents: the queue, replies to the citizen, closing.

Also the citizens' side of a reply: the web chat fetches the agents' messages
for its own sender id.
"""

import logging
from typing import Annotated, Literal

import anyio
from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse
from sqlalchemy import Engine

from api import tickets
from api.auth import AgentDep
from api.deps import RasaClientDep, StoreEngineDep, WhatsAppDep
from api.errors import ApiError, Utf8JSONRoute, error_responses
from api.rasa_client import AssistantFailed, AssistantUnreachable
from api.routers.web import STATIC_DIR
from api.whatsapp.graph import GraphSendFailed
from api.whatsapp.messages import text_payloads
from api.whatsapp.worker import SENDER_PREFIX, WhatsAppWorker
from api.schemas import (
    SENDER_MAX_CHARS,
    SENDER_PATTERN,
    AgentMessages,
    AgentReplyOut,
    AgentReplyRequest,
    Ticket,
    TicketList,
)

logger = logging.getLogger(__name__)

router = APIRouter(tags=["agent console"], route_class=Utf8JSONRoute, dependencies=[AgentDep])
citizen_router = APIRouter(tags=["chat"])

REFERENCE_PATTERN = r"^HT-[A-Z0-9]{1,16}$"
Reference = Annotated[str, Path(pattern=REFERENCE_PATTERN, description="The ticket's reference, e.g. HT-7KQ2MX.")]

NOT_FOUND = "There is no handoff ticket {reference}."
CLOSED = "Ticket {reference} is already closed."
WHATSAPP_OFF = (
    "Ticket {reference} came from WhatsApp, but the WhatsApp channel is not configured, "
    "so the reply cannot reach the citizen."
)
RESUME_FAILED = (
    "The bot could not be handed the conversation back (Rasa is unavailable); "
    "the ticket stays open. Please try again."
)


@router.get(
    "/api/agent/tickets",
    response_model=TicketList,
    responses=error_responses(401, 422, 503),
    summary="The queue of handoff tickets, oldest first",
)
async def list_tickets(
    engine: StoreEngineDep,
    status: Annotated[Literal["open", "closed"] | None, Query(description="Only tickets with this status.")] = "open",
) -> TicketList:
    return TicketList(tickets=await anyio.to_thread.run_sync(tickets.list_tickets, engine, status))


@router.get(
    "/api/agent/tickets/{reference}",
    response_model=Ticket,
    responses=error_responses(401, 404, 422, 503),
    summary="One ticket with its transcript and the agents' replies",
)
async def show_ticket(reference: Reference, engine: StoreEngineDep) -> Ticket:
    try:
        return await anyio.to_thread.run_sync(tickets.get_ticket, engine, reference)
    except tickets.TicketNotFound as exc:
        raise ApiError(404, "ticket_not_found", NOT_FOUND.format(reference=reference)) from exc


@router.post(
    "/api/agent/tickets/{reference}/reply",
    response_model=AgentReplyOut,
    status_code=201,
    responses=error_responses(400, 401, 404, 409, 413, 415, 422, 503),
    summary="Reply to the citizen through the ticket's own channel",
)
async def reply(
    reference: Reference, body: AgentReplyRequest, engine: StoreEngineDep, whatsapp: WhatsAppDep
) -> AgentReplyOut:
    """The reply is kept with the ticket. On WhatsApp it is also sent to the
    citizen's phone (`delivery` says whether that worked); the web chat fetches
    it from `GET /api/chat/{sender}/agent-messages`."""
    ticket = await open_ticket(engine, reference)
    delivery = "stored"
    if ticket.channel == "whatsapp":
        if whatsapp is None:
            raise ApiError(503, "whatsapp_not_configured", WHATSAPP_OFF.format(reference=reference))
        delivery = await send_on_whatsapp(whatsapp, ticket.sender, body.text, reference)
    try:
        return await anyio.to_thread.run_sync(tickets.add_reply, engine, reference, body.text, delivery)
    except tickets.TicketNotFound as exc:
        raise ApiError(404, "ticket_not_found", NOT_FOUND.format(reference=reference)) from exc
    except tickets.TicketClosed as exc:
        raise ApiError(409, "ticket_closed", CLOSED.format(reference=reference)) from exc


async def open_ticket(engine: Engine, reference: str) -> Ticket:
    """The ticket, if it exists and is still open; else the 404 or 409 the agent sees."""
    try:
        ticket = await anyio.to_thread.run_sync(tickets.get_ticket, engine, reference)
    except tickets.TicketNotFound as exc:
        raise ApiError(404, "ticket_not_found", NOT_FOUND.format(reference=reference)) from exc
    if ticket.status != "open":
        raise ApiError(409, "ticket_closed", CLOSED.format(reference=reference))
    return ticket


async def send_on_whatsapp(whatsapp: WhatsAppWorker, sender: str, text: str, reference: str) -> str:
    try:
        for payload in text_payloads(sender.removeprefix(SENDER_PREFIX), text):
            await whatsapp.graph.send(payload)
    except GraphSendFailed as exc:
        logger.error("Agent reply on ticket %s was not delivered on WhatsApp: %s", reference, exc)
        return "failed"
    return "sent"


@router.post(
    "/api/agent/tickets/{reference}/close",
    response_model=Ticket,
    responses=error_responses(401, 404, 409, 422, 502, 503),
    summary="Close the ticket and hand the conversation back to the bot",
)
async def close(reference: Reference, engine: StoreEngineDep, rasa: RasaClientDep) -> Ticket:
    """Rasa is told first (a `resume` event on the conversation); the ticket is
    closed only once the bot has the conversation back, so a failure leaves it open."""
    ticket = await open_ticket(engine, reference)
    try:
        await rasa.resume_conversation(ticket.sender)
    except AssistantUnreachable as exc:
        logger.error("Could not resume %s's conversation: %s", ticket.sender, exc)
        raise ApiError(503, "assistant_unavailable", RESUME_FAILED) from exc
    except AssistantFailed as exc:
        logger.error("Rasa refused to resume %s's conversation: %s", ticket.sender, exc)
        raise ApiError(502, "assistant_error", RESUME_FAILED) from exc
    try:
        return await anyio.to_thread.run_sync(tickets.close_ticket, engine, reference)
    except tickets.TicketClosed as exc:  # another agent closed it meanwhile
        raise ApiError(409, "ticket_closed", CLOSED.format(reference=reference)) from exc


@citizen_router.get(
    "/api/chat/{sender}/agent-messages",
    response_model=AgentMessages,
    responses=error_responses(422, 429, 503),
    summary="The agents' replies to this conversation, after the last one shown",
)
async def agent_messages(
    sender: Annotated[str, Path(min_length=1, max_length=SENDER_MAX_CHARS, pattern=SENDER_PATTERN)],
    engine: StoreEngineDep,
    # Bounded by SQL's BIGINT: a larger number is a 422, not an overflow in the store (a 500).
    after: Annotated[
        int, Query(ge=0, le=2**63 - 1, description="Id of the last message already shown; 0 for all.")
    ] = 0,
) -> AgentMessages:
    """Only this sender's own messages; poll it while a handoff is open."""
    messages = await anyio.to_thread.run_sync(tickets.messages_for_sender, engine, sender, after)
    return AgentMessages(sender=sender, messages=messages)


@citizen_router.get("/agent", include_in_schema=False)
async def agent_console_page() -> FileResponse:
    """The console itself is static; it asks the agent for the key and sends it with each call."""
    return FileResponse(STATIC_DIR / "agent.html", media_type="text/html; charset=utf-8")
