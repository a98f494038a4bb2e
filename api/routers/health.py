"""Readiness of the whole assistant, for `make run`, load balancers and operators."""

from fastapi import APIRouter, Response

from api.deps import HttpClientDep, ManifestReaderDep, SettingsDep
from api.probes import probe_all
from api.schemas import HealthComponents, HealthReport

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    response_model=HealthReport,
    responses={503: {"model": HealthReport, "description": "At least one part is not ready"}},
    summary="Is the assistant ready to answer citizens?",
)
async def health(
    response: Response,
    settings: SettingsDep,
    http: HttpClientDep,
    read_manifest: ManifestReaderDep,
) -> HealthReport:
    """200 only when Rasa has a model loaded, the action server answers, and the
    knowledge index holds documents; 503 otherwise. The body reports each part."""
    rasa, actions, index = await probe_all(
        http,
        settings.rasa_urls,
        settings.action_server_url,
        read_manifest,
        settings.index_dir,
        settings.health_timeout_s,
    )
    ready = rasa.ready and actions.ready and index.ready
    response.status_code = 200 if ready else 503
    return HealthReport(
        status="ok" if ready else "degraded",
        components=HealthComponents(rasa=rasa, actions=actions, index=index),
    )
