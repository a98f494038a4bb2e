"""api.whatsapp.graph.GraphClient against a fake Graph API over real HTTP."""
from __future__ import annotations

import httpx
import pytest

from api.whatsapp.graph import GraphClient, GraphSendFailed
from tests.api.conftest import closed_port_url
from tests.api.whatsapp.fakes import GRAPH_ERROR_429, GRAPH_ERROR_500, MESSAGES_PATH, fake_graph

graph = pytest.fixture(fake_graph)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # the API runs on asyncio (uvicorn)

PAYLOAD = {"messaging_product": "whatsapp", "to": "212600000001", "type": "text", "text": {"body": "Bonjour"}}


async def send(url: str, payload=PAYLOAD, **options):
    async with httpx.AsyncClient() as http:
        client = GraphClient(http, url, "v21.0", "106540352242922", "token-1", **options)
        return await client.send(payload)


@pytest.mark.anyio
async def test_sends_with_the_bearer_token_and_returns_the_message_id(graph):
    assert await send(graph.url) == "wamid.out.0"
    (request,) = graph.requests
    assert request.path == MESSAGES_PATH
    assert request.headers["authorization"] == "Bearer token-1"
    assert request.body == PAYLOAD


@pytest.mark.anyio
async def test_retry_after_is_honoured(graph):
    graph.script = [(429, GRAPH_ERROR_429, {"Retry-After": "1"})]
    assert await send(graph.url, attempts=3, max_wait_s=5, first_wait_s=0.01) == "wamid.out.0"
    first, second = graph.requests
    assert second.at - first.at >= 0.9


@pytest.mark.anyio
async def test_retry_after_is_capped(graph):
    graph.script = [(503, GRAPH_ERROR_500, {"Retry-After": "3600"})]
    await send(graph.url, attempts=2, max_wait_s=0.1)
    first, second = graph.requests
    assert second.at - first.at < 2


@pytest.mark.anyio
async def test_throttling_code_in_a_400_is_retried(graph):
    graph.script = [(400, {"error": {"message": "(#131056) pair rate limit hit", "code": 131056}}, {})]
    await send(graph.url, attempts=2, max_wait_s=0.05)
    assert len(graph.requests) == 2


@pytest.mark.anyio
async def test_tries_are_bounded(graph):
    graph.always = (500, GRAPH_ERROR_500, {})
    with pytest.raises(GraphSendFailed) as failure:
        await send(graph.url, attempts=4, max_wait_s=0.02)
    assert failure.value.status_code == 500
    assert "gave up after 4 tries" in str(failure.value)
    assert len(graph.requests) == 4


@pytest.mark.anyio
async def test_client_errors_are_not_retried(graph):
    graph.always = (401, {"error": {"message": "Invalid OAuth access token", "code": 190}}, {})
    with pytest.raises(GraphSendFailed) as failure:
        await send(graph.url, attempts=4, max_wait_s=0.02)
    assert failure.value.status_code == 401
    assert "Invalid OAuth access token" in str(failure.value)
    assert len(graph.requests) == 1


@pytest.mark.anyio
async def test_unreachable_graph_fails_after_the_tries():
    with pytest.raises(GraphSendFailed, match="cannot reach"):
        await send(closed_port_url(), attempts=2, max_wait_s=0.02)
