"""Operations metrics for Prometheus: each replica is scraped on its own `/metrics`."""

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.errors import error_responses
from api.metrics import AssistantMetricsDep

router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"}}
    | error_responses(500),
    summary="Counters and latencies of this API process, in Prometheus' text format",
)
async def metrics(assistant_metrics: AssistantMetricsDep) -> Response:
    """Turns, errors, fallbacks and handoffs by channel and language; case look-ups locked
    and refused by channel and scope; HTTP requests by route and status; this process's
    CPU and memory. No personal data is in a label."""
    return Response(generate_latest(assistant_metrics.registry), media_type=CONTENT_TYPE_LATEST)
