"""Retrieval evaluation on the frozen dev set (``knowledge/eval/devset.jsonl``), and threshold tuning.

For each question, in one run: the full pipeline, plain BM25 over the question
and plain dense retrieval over the question (the baselines). A passage is a hit
when its ``(doc_id, ref)`` is expected (for a seed text, ``seed:<file stem>``
and any ref). Cards of ``knowledge/corpus`` compete in the ranking but are
never hits. Reported: hit@1, hit@5 and MRR (over the first 10) per language,
overall and on the cross-lingual subset.

Threshold tuning: every dev question has an answer, so a good abstention
keeps the answers whose best passage is a hit and drops the others (questions
whose best passage is an authored card are left out: the set cannot judge
them); off-topic
questions (``knowledge/eval/offtopic.jsonl``) must all be dropped. The tuned
threshold maximises accuracy of the answer/abstain decision over both sets.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.limiters import is_card
from knowledge.settings import PACKAGE_DIR

DEVSET = PACKAGE_DIR / "eval" / "devset.jsonl"
# written from the corpus before any tuning on the dev set, never tuned on: the honest figures
HELDOUT = PACKAGE_DIR / "eval" / "heldout.jsonl"
QUESTION_SETS = {"dev": DEVSET, "heldout": HELDOUT}
OFFTOPIC = PACKAGE_DIR / "eval" / "offtopic.jsonl"
LANGUAGES = ("en", "fr", "ar", "darija")
SYSTEMS = ("pipeline", "bm25", "dense")
DEPTH = 10


def question_set_path(name: str) -> Path:
    """``dev``, ``heldout`` or the path of a JSONL file in the dev set's format.

    :raises FileNotFoundError: for a name that is neither a known set nor a file.
    """
    path = QUESTION_SETS.get(name, Path(name))
    if not path.is_file():
        raise FileNotFoundError(f"no question set {name!r} (use {' or '.join(QUESTION_SETS)}, or a .jsonl path)")
    return path


def load_questions(path: Path = DEVSET) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def hit_key(doc_id: str, ref: str | None) -> tuple[str, str | None]:
    """The dev set's name for a passage: statutes by ``(doc_id, ref)``, seed texts by ``("seed:<stem>", None)``."""
    parts = doc_id.split("/")
    if len(parts) >= 2 and parts[-2] == "seeds":
        return f"seed:{parts[-1]}", None
    return doc_id, (str(ref) if ref not in (None, "") else None)


def first_hit(ranked: list[tuple[str, str | None]], expected: list[dict[str, Any]]) -> int | None:
    """1-based rank of the first expected passage in ``ranked`` (``(doc_id, ref)`` pairs), or ``None``."""
    wanted = {(e["doc_id"], e["ref"] if e["ref"] is not None else None) for e in expected}
    for rank, (doc_id, ref) in enumerate(ranked[:DEPTH], 1):
        if hit_key(doc_id, ref) in wanted:
            return rank
    return None


@dataclass
class Scores:
    ranks: list[int | None] = field(default_factory=list)

    def add(self, rank: int | None) -> None:
        self.ranks.append(rank)

    def summary(self) -> dict[str, float]:
        n = len(self.ranks) or 1
        return {
            "n": len(self.ranks),
            "hit@1": sum(r == 1 for r in self.ranks if r) / n,
            "hit@5": sum(1 for r in self.ranks if r and r <= 5) / n,
            "mrr": sum(1 / r for r in self.ranks if r) / n,
        }


def evaluate(kb, questions: list[dict[str, Any]], offtopic: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Scores of the pipeline and both baselines per group, the confidences for tuning, and the
    pipeline's misses (questions with no expected passage in its first 5: ``id``, ``language``,
    ``question``, ``rank`` within the first 10 or ``None``, ``got``: its first 5 as ``doc_id:ref``)."""
    from knowledge.embedders import E5TextEmbedder

    embedder = E5TextEmbedder(model=kb.model)
    embedder.warm_up()
    scores: dict[str, dict[str, Scores]] = {s: defaultdict(Scores) for s in SYSTEMS}
    decisions: list[tuple[float, bool]] = []  # (confidence, should answer)
    misses: list[dict[str, Any]] = []
    for q in questions:
        result = kb.run(q["question"], top_k=DEPTH, min_confidence=0.0)
        ranked = {
            "pipeline": [(p.doc_id, p.ref) for p in result.passages],
            "bm25": [(d.meta.get("doc_id", ""), d.meta.get("ref")) for d in kb.document_store.bm25_search(q["question"], top_k=DEPTH)],
            "dense": [
                (d.meta.get("doc_id", ""), d.meta.get("ref"))
                for d in kb.document_store.embedding_retrieval(embedder.run(text=q["question"])["embedding"], top_k=DEPTH)
            ],
        }
        groups = [q["language"], "all"] + (["cross-lingual"] if q.get("cross_lingual") else [])
        rank = first_hit(ranked["pipeline"], q["expected"])
        if rank is None or rank > 5:
            got = [f"{doc_id}:{ref}" if ref else doc_id for doc_id, ref in ranked["pipeline"][:5]]
            misses.append({"id": q.get("id", ""), "language": q["language"], "question": q["question"], "rank": rank, "got": got})
        for system, pairs in ranked.items():
            rank = first_hit(pairs, q["expected"])
            for g in groups:
                scores[system][g].add(rank)
        # a card on top may well answer, but the dev set cannot say: left out of the tuning
        if ranked["pipeline"] and not is_card({"doc_id": ranked["pipeline"][0][0]}):
            decisions.append((result.confidence, first_hit(ranked["pipeline"], q["expected"]) == 1))
    for q in offtopic or []:
        decisions.append((kb.run(q["question"], top_k=1, min_confidence=0.0).confidence, False))
    return {
        "scores": {s: {g: v.summary() for g, v in groups.items()} for s, groups in scores.items()},
        "decisions": decisions,
        "misses": misses,
    }


def decision_accuracy(decisions: list[tuple[float, bool]], threshold: float) -> float:
    """Share of answer/abstain decisions that ``threshold`` gets right."""
    return sum((c >= threshold) == good for c, good in decisions) / max(len(decisions), 1)


def tune_threshold(decisions: list[tuple[float, bool]]) -> dict[str, float]:
    """The confidence threshold with the best answer/abstain accuracy (ties: the higher, more cautious one)."""
    candidates = sorted({0.0, *(c for c, _ in decisions), 1.0})
    best: dict[str, float] | None = None
    for t in candidates:
        wrong_answers = sum(c >= t and not good for c, good in decisions)
        answered = sum(c >= t for c, _ in decisions)
        row = {
            "threshold": t,
            "accuracy": decision_accuracy(decisions, t),
            "answered": answered / len(decisions),
            "wrong_answer_rate": wrong_answers / max(answered, 1),
        }
        if best is None or row["accuracy"] >= best["accuracy"]:
            best = row
    return best or {"threshold": 0.5, "accuracy": 0.0, "answered": 0.0, "wrong_answer_rate": 0.0}


def format_table(scores: dict[str, dict[str, dict[str, float]]]) -> str:
    """A plain-text table: one row per group, hit@1/hit@5/MRR for each system side by side."""
    groups = [g for g in (*LANGUAGES, "cross-lingual", "all") if g in scores["pipeline"]]
    header = f"{'group':<14}{'n':>4}  " + "  ".join(f"{s + ' h@1/h@5/MRR':<24}" for s in SYSTEMS)
    lines = [header, "-" * len(header)]
    for g in groups:
        cells = []
        for s in SYSTEMS:
            m = scores[s][g]
            cells.append(f"{m['hit@1']:.2f} / {m['hit@5']:.2f} / {m['mrr']:.2f}".ljust(24))
        lines.append(f"{g:<14}{scores['pipeline'][g]['n']:>4}  " + "  ".join(cells))
    return "\n".join(lines)
