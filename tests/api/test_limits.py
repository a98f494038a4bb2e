"""API-wide limits: body size (413), request rates (429 with Retry-After), CORS."""
from __future__ import annotations

import logging
import time
import uuid

import anyio
import pytest
import redis
from pydantic import ValidationError

from api.errors import ApiError
from api.limits import RateLimiter
from api.settings import Settings
from tests.api.conftest import closed_port_url

PAUSE_S = 2.5  # longer than api.limits.REDIS_TIMEOUT_S


def test_a_declared_length_over_the_cap_is_refused_before_reading(client_for):
    client = client_for(max_body_bytes=100)
    response = client.post("/api/chat", content=b'{"sender": "a", "message": "' + b"x" * 200 + b'"}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    assert "100 bytes" in response.json()["error"]["message"]


def test_a_chunked_body_without_length_is_counted(client_for):
    client = client_for(max_body_bytes=100)

    def chunks():
        for _ in range(10):
            yield b"x" * 20

    response = client.post("/api/chat", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert response.status_code == 413


def test_a_body_within_the_cap_reaches_the_route(client_for, rasa):
    rasa.on("POST", "/webhooks/rest/webhook", 200, [{"recipient_id": "a", "text": "مرحبا"}])
    client = client_for(max_body_bytes=200, rasa_url=rasa.url)
    response = client.post("/api/chat", json={"sender": "a", "message": "سلام"})
    assert response.status_code == 200, response.text
    assert rasa.calls("POST", "/webhooks/rest/webhook")[0].body["message"] == "سلام"


def test_one_sender_over_its_budget_gets_429_with_retry_after(client_for, database_url):
    client = client_for(rate_limit_per_minute=3, rate_limit_per_ip_per_minute=100, database_url=database_url)
    for _ in range(3):
        assert client.get("/api/chat/web-1/agent-messages").status_code == 200
    refused = client.get("/api/chat/web-1/agent-messages")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    # Another sender from the same address still has its own budget.
    assert client.get("/api/chat/web-2/agent-messages").status_code == 200


def test_the_sender_in_a_json_body_is_counted(client_for, rasa):
    client = client_for(rate_limit_per_minute=2, rate_limit_per_ip_per_minute=100, rasa_url=rasa.url)
    statuses = [client.post("/api/chat", json={"sender": "web-9", "message": "salam"}).status_code for _ in range(3)]
    assert statuses[-1] == 429
    assert client.post("/api/chat", json={"sender": "web-10", "message": "salam"}).status_code != 429


def test_one_address_over_its_budget_gets_429_whatever_the_sender(client_for, database_url):
    client = client_for(rate_limit_per_minute=100, rate_limit_per_ip_per_minute=4, database_url=database_url)
    statuses = [client.get(f"/api/chat/web-{i}/agent-messages").status_code for i in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_agent_and_health_endpoints_are_not_rate_limited_as_citizens(client_for, database_url):
    client = client_for(rate_limit_per_minute=1, rate_limit_per_ip_per_minute=1, database_url=database_url,
                        assist_api_key="k")
    statuses = {client.get("/api/agent/tickets", headers={"Authorization": "Bearer k"}).status_code for _ in range(3)}
    assert statuses == {200}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_rate_limiter_counts_each_key_apart():
    limiter = RateLimiter(per_sender_per_minute=1, per_ip_per_minute=1)
    await limiter.check_sender("a")
    await limiter.check_ip("a")  # same value, other kind: its own budget
    with pytest.raises(ApiError) as refused:
        await limiter.check_sender("a")
    assert refused.value.status_code == 429 and refused.value.headers["Retry-After"].isdigit()


# --- several replicas: one count in Redis (RATE_LIMIT_STORAGE_URL) ---

def test_two_replicas_sharing_redis_enforce_one_budget_per_sender(client_for, database_url, redis_url):
    # Senders are unique per run: the session's Redis outlives this test.
    sender = f"web-{uuid.uuid4().hex[:12]}"
    replicas = [
        client_for(rate_limit_per_minute=3, rate_limit_per_ip_per_minute=100, database_url=database_url,
                   rate_limit_storage_url=redis_url)
        for _ in range(2)
    ]
    statuses = [replicas[i % 2].get(f"/api/chat/{sender}/agent-messages").status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = replicas[0].get(f"/api/chat/{sender}/agent-messages")
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 60


def test_replicas_counting_in_memory_each_have_their_own_budget(client_for, database_url):
    """The contrast that shows the shared count above is Redis's doing."""
    replicas = [
        client_for(rate_limit_per_minute=3, rate_limit_per_ip_per_minute=100, database_url=database_url)
        for _ in range(2)
    ]
    statuses = [replicas[i % 2].get("/api/chat/web-1/agent-messages").status_code for i in range(4)]
    assert statuses == [200, 200, 200, 200]


def test_requests_go_through_with_one_error_logged_when_redis_is_down(client_for, database_url, caplog):
    down = closed_port_url().replace("http://", "redis://") + "/0"
    client = client_for(rate_limit_per_minute=1, rate_limit_per_ip_per_minute=1, database_url=database_url,
                        rate_limit_storage_url=down)
    with caplog.at_level(logging.ERROR, logger="api.limits"):
        statuses = [client.get("/api/chat/web-1/agent-messages").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    errors = [r for r in caplog.records if r.name == "api.limits" and r.levelno == logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert "not limited" in errors[0].getMessage()


@pytest.mark.anyio
async def test_a_hanging_redis_fails_open_then_limits_apply_again(redis_url, caplog):
    limiter = RateLimiter(per_sender_per_minute=1, per_ip_per_minute=100, storage_url=redis_url)
    sender = f"web-{uuid.uuid4().hex[:12]}"
    with redis.Redis.from_url(redis_url) as admin:
        admin.client_pause(int(PAUSE_S * 1000), all=True)  # Redis accepts connections but answers nothing
    with caplog.at_level(logging.INFO, logger="api.limits"):
        started = time.monotonic()
        await limiter.check_sender(sender)  # let through once the client gives up
        assert time.monotonic() - started < PAUSE_S
        await anyio.sleep(PAUSE_S)
        outcomes = []
        for _ in range(2):
            try:
                await limiter.check_sender(sender)
                outcomes.append("allowed")
            except ApiError as refused:
                outcomes.append(refused.status_code)
    # The hit sent during the pause may still have been counted when Redis woke up.
    assert outcomes[-1] == 429, outcomes
    messages = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "api.limits"]
    assert [level for level, _ in messages if level == "ERROR"] == ["ERROR"], messages
    assert any(level == "INFO" and "back" in text for level, text in messages), messages


@pytest.mark.parametrize("url", ["memcached://cache:11211", "redis//no-scheme", "http://redis:6379"])
def test_an_unsupported_rate_limit_storage_is_refused_at_start(url):
    with pytest.raises(ValidationError, match="rate_limit_storage_url"):
        Settings(rate_limit_storage_url=url)


def test_cors_allows_only_the_configured_origins(client_for):
    client = client_for(cors_origins="https://www.emploi.gov.ma, https://chat.emploi.gov.ma")
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = client.options("/api/chat", headers={"Origin": "https://chat.emploi.gov.ma", **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://chat.emploi.gov.ma"
    refused = client.options("/api/chat", headers={"Origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in refused.headers


def test_no_cross_origin_access_by_default(client_for):
    client = client_for()
    response = client.get("/health", headers={"Origin": "https://www.emploi.gov.ma"})
    assert "access-control-allow-origin" not in response.headers
