"""Speech to text for WhatsApp voice notes: faster-whisper over a CTranslate2 Whisper model folder.

Transcribing is CPU work of seconds, so it runs in a small thread pool of its own,
never on the event loop, and each voice note has a time limit. The model is loaded
once per process and folder (`load_transcriber` is cached), off the event loop.
"""

from __future__ import annotations

import asyncio
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

logger = logging.getLogger(__name__)


class TranscriptionFailed(Exception):
    """A voice note was not turned into text: `code` is ``timeout``, ``unreadable`` or ``failed``."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


@dataclass(frozen=True)
class Transcript:
    text: str
    language: str | None  # Whisper's guess (ISO 639-1), None when unsure


class Transcriber:
    """A loaded Whisper model and the threads that run it.

    Usage::

        transcriber = load_transcriber(Path("/models/whisper-small-ct2"), workers=1, cpu_threads=2)
        transcript = await transcriber.transcribe(ogg_bytes, timeout_s=60)
    """

    def __init__(self, model_dir: Path, *, workers: int = 1, cpu_threads: int = 2) -> None:
        # Imported here: the API starts without faster-whisper's imports when no model is set.
        from faster_whisper import WhisperModel

        self.model_dir = model_dir
        self._model = WhisperModel(str(model_dir), device="cpu", compute_type="int8", cpu_threads=cpu_threads)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="speech")

    async def transcribe(self, audio: bytes, *, timeout_s: float) -> Transcript:
        """The text of a voice note (any container PyAV decodes: OGG/Opus, AMR, MP4, MP3...).

        Raises TranscriptionFailed: ``timeout`` past `timeout_s` (the thread finishes on
        its own, and its result is dropped), ``unreadable`` for audio that does not
        decode, ``failed`` for anything else.
        """
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._pool, self._run, audio)
        try:
            return await asyncio.wait_for(future, timeout_s)
        except TimeoutError as exc:
            raise TranscriptionFailed("timeout", f"transcription took longer than {timeout_s:g}s") from exc

    def _run(self, audio: bytes) -> Transcript:
        try:
            segments, info = self._model.transcribe(io.BytesIO(audio), beam_size=1, vad_filter=False)
            text = " ".join(segment.text.strip() for segment in segments).strip()
        except Exception as exc:
            # PyAV's InvalidDataError (a ValueError) for bytes that are not audio, or truncated.
            if _is_decoding_error(exc):
                raise TranscriptionFailed("unreadable", f"the audio does not decode: {exc}") from exc
            raise TranscriptionFailed("failed", f"the speech model failed: {exc!r}") from exc
        language = info.language if info.language_probability >= 0.5 else None
        return Transcript(text=text, language=language)


def _is_decoding_error(exc: Exception) -> bool:
    try:
        import av
    except ImportError:  # pragma: no cover - faster-whisper depends on av
        return False
    return isinstance(exc, av.error.FFmpegError) or (
        isinstance(exc, ValueError | IndexError) and "audio" in str(exc).lower()
    )


@lru_cache
def load_transcriber(model_dir: Path, workers: int = 1, cpu_threads: int = 2) -> Transcriber:
    """The Transcriber of `model_dir`, loaded once per process. Raises when the folder is not a model."""
    if not (model_dir / "model.bin").is_file():
        raise FileNotFoundError(f"{model_dir} is not a CTranslate2 Whisper model folder (no model.bin)")
    logger.info("Loading the speech model from %s", model_dir)
    return Transcriber(model_dir, workers=workers, cpu_threads=cpu_threads)
