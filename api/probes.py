"""Readiness probes of the assistant's three parts: Rasa, the action server, the index."""

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import httpx

from api.schemas import ComponentStatus

logger = logging.getLogger(__name__)

ManifestReader = Callable[[Path], dict[str, Any] | None]

# Detail of a Rasa that runs but cannot answer yet; the chat router tests for it.
RASA_NO_MODEL = "running, but no model is loaded"


async def _get(http: httpx.AsyncClient, url: str, timeout_s: float) -> httpx.Response | ComponentStatus:
    """The response of ``GET url``, or the not-ready status saying why none came."""
    try:
        return await http.get(url, timeout=timeout_s)
    except httpx.TimeoutException:
        return ComponentStatus(ready=False, detail=f"no answer from {url} within {timeout_s:g}s")
    except httpx.TransportError as exc:
        return ComponentStatus(ready=False, detail=f"unreachable at {url} ({type(exc).__name__})")


async def probe_rasa(http: httpx.AsyncClient, rasa_url: str, timeout_s: float) -> ComponentStatus:
    """Rasa is ready when its HTTP API answers /status with a loaded model."""
    response = await _get(http, f"{rasa_url}/status", timeout_s)
    if isinstance(response, ComponentStatus):
        return response
    if response.status_code == 409:
        # Rasa 3.6 answers 409 Conflict while no trained model is loaded.
        return ComponentStatus(ready=False, detail=RASA_NO_MODEL)
    if response.status_code == 404:
        return ComponentStatus(ready=False, detail="HTTP API not enabled (start Rasa with --enable-api)")
    if response.status_code in (401, 403):
        return ComponentStatus(ready=False, detail="HTTP API refused the request (auth token configured?)")
    if response.status_code != 200:
        return ComponentStatus(ready=False, detail=f"/status answered HTTP {response.status_code}")
    try:
        status = response.json()
    except ValueError:
        return ComponentStatus(ready=False, detail="/status answered a body that is not JSON")
    model = (status.get("model_file") or status.get("model_id")) if isinstance(status, dict) else None
    if not model:
        return ComponentStatus(ready=False, detail=RASA_NO_MODEL)
    return ComponentStatus(ready=True, detail=f"model {model} loaded")


async def probe_rasa_servers(http: httpx.AsyncClient, rasa_urls: list[str], timeout_s: float) -> ComponentStatus:
    """Rasa is ready while at least one of its servers is: the API fails over to it."""
    statuses = await asyncio.gather(*(probe_rasa(http, url, timeout_s) for url in rasa_urls))
    if len(statuses) == 1:
        return statuses[0]
    ready = sum(status.ready for status in statuses)
    details = {status.detail for status in statuses}
    if not ready and len(details) == 1:
        return statuses[0]  # e.g. RASA_NO_MODEL everywhere, which the chat router tests for
    detail = f"{ready} of {len(statuses)} servers ready: " + "; ".join(
        f"{url} {status.detail}" for url, status in zip(rasa_urls, statuses)
    )
    return ComponentStatus(ready=ready > 0, detail=detail)


async def probe_actions(http: httpx.AsyncClient, action_server_url: str, timeout_s: float) -> ComponentStatus:
    """The rasa-sdk action server is ready when /health answers {"status": "ok"}."""
    response = await _get(http, f"{action_server_url}/health", timeout_s)
    if isinstance(response, ComponentStatus):
        return response
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code == 200 and isinstance(body, dict) and body.get("status") == "ok":
        return ComponentStatus(ready=True, detail="ok")
    return ComponentStatus(ready=False, detail=f"/health answered HTTP {response.status_code}")


async def probe_index(read_manifest: ManifestReader, index_dir: Path, timeout_s: float) -> ComponentStatus:
    """The index is ready when its manifest lists at least one document."""
    try:
        # Reading the manifest touches the disk: keep it off the event loop.
        with anyio.fail_after(timeout_s):
            manifest = await anyio.to_thread.run_sync(read_manifest, index_dir, abandon_on_cancel=True)
    except TimeoutError:
        return ComponentStatus(ready=False, detail=f"reading the manifest took longer than {timeout_s:g}s")
    except Exception as exc:  # a corrupt manifest or a broken knowledge package
        logger.warning("Could not read the index manifest in %s: %r", index_dir, exc)
        return ComponentStatus(ready=False, detail=f"cannot read the index manifest: {exc}")
    if manifest is None:
        return ComponentStatus(
            ready=False, detail=f"no index in {index_dir} (build it with `python -m knowledge build`)"
        )
    documents = manifest.get("documents") if isinstance(manifest, dict) else None
    if not isinstance(documents, int) or isinstance(documents, bool) or documents <= 0:
        return ComponentStatus(ready=False, detail=f"the index in {index_dir} holds no documents")
    built = manifest.get("built_at")
    detail = f"{documents} documents" + (f", built {built}" if built else "")
    return ComponentStatus(ready=True, detail=detail)


async def probe_all(
    http: httpx.AsyncClient,
    rasa_urls: list[str],
    action_server_url: str,
    read_manifest: ManifestReader,
    index_dir: Path,
    timeout_s: float,
) -> tuple[ComponentStatus, ComponentStatus, ComponentStatus]:
    """Probe the three parts concurrently, so /health takes one timeout at most."""
    rasa, actions, index = await asyncio.gather(
        probe_rasa_servers(http, rasa_urls, timeout_s),
        probe_actions(http, action_server_url, timeout_s),
        probe_index(read_manifest, index_dir, timeout_s),
    )
    return rasa, actions, index
