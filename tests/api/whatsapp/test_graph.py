"""api.whatsapp.graph.GraphClient and GraphMedia against a fake Graph API over real HTTP."""
from __future__ import annotations

import httpx
import pytest

from api.whatsapp.graph import GraphClient, GraphMedia, GraphSendFailed, Media, MediaUnavailable
from tests.api.conftest import closed_port_url
from tests.api.whatsapp.fakes import (
    ACCESS_TOKEN, GRAPH_ERROR_429, GRAPH_ERROR_500, GRAPH_VERSION, MESSAGES_PATH, FakeMedia, fake_graph,
)

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


# --- media: GET /{media-id}, then its URL ---

async def fetch_media(url: str, media_id: str, max_bytes: int = 1 << 20):
    async with httpx.AsyncClient() as http:
        return await GraphMedia(http, url, GRAPH_VERSION, ACCESS_TOKEN, max_bytes=max_bytes).fetch(media_id)


@pytest.mark.anyio
async def test_media_is_fetched_with_the_bearer_token_from_the_url_graph_gives(graph):
    graph.media["m1"] = FakeMedia(b"OggS voice", "audio/ogg; codecs=opus")
    media = await fetch_media(graph.url, "m1")
    assert media == Media(b"OggS voice", "audio/ogg; codecs=opus")
    info, download = graph.media_requests()
    assert info.path == f"/{GRAPH_VERSION}/m1"
    assert all(r.headers["authorization"] == f"Bearer {ACCESS_TOKEN}" for r in (info, download))


@pytest.mark.anyio
@pytest.mark.parametrize("media, max_bytes, code", [
    (FakeMedia(b"x" * 2000, "audio/ogg"), 1000, "too_large"),
    (FakeMedia(b"x" * 2000, "audio/ogg", declared_size=10, send_length=False), 1000, "too_large"),
    (FakeMedia(b"x" * 2000, "audio/ogg", declared_size=10), 1000, "too_large"),  # Content-Length tells
    (FakeMedia(b"\x89PNG", "image/png"), 1000, "not_audio"),
    (FakeMedia(b"", "audio/ogg", info_status=404), 1000, "not_found"),
    (FakeMedia(b"", "audio/ogg", info_status=400), 1000, "not_found"),
    (FakeMedia(b"x", "audio/ogg", download_status=403), 1000, "not_found"),
    (FakeMedia(b"x", "audio/ogg", info_status=500), 1000, "unreachable"),
    (FakeMedia(b"x", "audio/ogg", download_status=502), 1000, "unreachable"),
], ids=["declared too large", "streamed too large", "content-length too large", "not audio", "unknown id",
        "bad id", "expired url", "graph 500", "cdn 502"])
async def test_media_that_cannot_be_had_raises_with_its_reason(graph, media, max_bytes, code):
    graph.media["m2"] = media
    with pytest.raises(MediaUnavailable) as raised:
        await fetch_media(graph.url, "m2", max_bytes)
    assert raised.value.code == code, raised.value


@pytest.mark.anyio
async def test_media_when_graph_cannot_be_reached_is_unreachable():
    with pytest.raises(MediaUnavailable) as raised:
        await fetch_media(closed_port_url(), "m3")
    assert raised.value.code == "unreachable"
