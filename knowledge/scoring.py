"""The two learnt models of the query pipeline: which passage answers, and whether to answer at all.

Both are logistic regressions over signals the pipeline already has, fitted on the dev
sets' labels with cross-validation by ``python -m knowledge fit`` (:mod:`knowledge.fitting`),
which writes their coefficients and the answer threshold to ``scoring.json`` beside this
module. Applying them needs nothing but the coefficients.

- :data:`PASSAGE_FEATURES`, per candidate passage (:func:`passage_features`): the two BM25
  lists' scaled scores and whether the passage is in them, its dense similarity (raw and
  scaled over the candidates), whether it is an authored card, and whether it is in the
  citizen's language. :class:`knowledge.fusion.WeightedScoreFusion` ranks by the model's
  probability that the passage answers.
- :data:`ANSWER_FEATURES`, for the passage the answer comes from (:func:`answer_features`):
  that probability, its lead over the next passage that is not another version of it, its
  dense similarity, card, language. :class:`knowledge.answers.AnswerExtractor` answers when
  the model's probability that the answer is right reaches the threshold, chosen by the fit
  for at most 3% wrong answers.

Usage example:
```python
from knowledge.scoring import load_scoring

scoring = load_scoring()
print(scoring.passage.predict({"question": 1.0, "gloss": 0.0, "dense": 1.0, "similarity": 0.86}))
print(scoring.threshold)
```
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge.limiters import is_card

SCORING_FILE = Path(__file__).resolve().parent / "scoring.json"

_PASSAGE_SIGNALS = (
    "question",  # BM25 over the question, min-max scaled over its list (0 when absent)
    "gloss",  # BM25 over the Arabic gloss, likewise
    "in_question",  # 1 when the question's BM25 list holds the passage
    "in_gloss",  # 1 when the gloss's BM25 list holds it
    "question_rank",  # 1 / (1 + rank) in the question's BM25 list (0 when absent)
    "gloss_rank",  # likewise in the gloss's list
    "dense",  # dense similarity, min-max scaled over the candidates
    "dense_rank",  # 1 / (1 + rank) among the candidates by dense similarity
    "similarity",  # dense similarity itself (e5 cosine)
    "sentence",  # the similarity of its closest sentence (a passage's embedding reads its first words)
    "similarity_gap",  # how far below the most similar candidate
    "card",  # an authored card
    "same_language",  # written in the citizen's language
)
# A card and a statute article, a passage in the citizen's language or not, weigh the same
# signals differently: each signal also enters once per kind (cross-validated hit@1 on the dev
# sets 0.594 against 0.570 for the signals alone).
_KINDS = ("card", "same_language")
PASSAGE_FEATURES = _PASSAGE_SIGNALS + tuple(
    f"{kind}*{signal}" for kind in _KINDS for signal in _PASSAGE_SIGNALS if signal not in _KINDS
) + ("card*same_language",)
_CROSSED = tuple((name, *name.split("*")) for name in PASSAGE_FEATURES[len(_PASSAGE_SIGNALS):])
# Where knowledge.answers.DenseSimilarity puts each sentence's similarity to the question.
SENTENCE_SCORES = "sentence_scores"
ANSWER_FEATURES = (
    "probability",  # the passage model's probability for the best passage
    "lead",  # its lead over the next passage that is not another version of it
    "similarity",
    "question",
    "gloss",
    "card",
    "same_language",
    "sentence",  # the best similarity of one of the passage's sentences to the question
    "shown",  # the best similarity of one of the shown sentences to the question
    "overlap",  # the share of the question's stems (and its gloss's) in the text shown
    "quantity",  # the question asks for a quantity: 1 when the text has a number, -1 when not; else 0
    "citizen_en",  # the citizen writes English (answers are calibrated per language)
    "citizen_fr",  # the citizen writes French
)


class Signals(dict):
    """A candidate's :data:`PASSAGE_FEATURES` and probability, in its ``meta["signals"]``.

    Written once by the fusion and only read after, so the copy haystack's pipeline makes of
    every component's inputs shares it instead of copying a hundred candidates' dicts three times.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> "Signals":
        return self


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, x))))


@dataclass(frozen=True)
class LinearModel:
    """A fitted logistic regression: ``sigmoid(bias + sum(weights[f] * x[f]))``; a missing feature is 0."""

    weights: dict[str, float]
    bias: float = 0.0

    def predict(self, features: dict[str, float]) -> float:
        weights = self.weights  # per candidate of every question: only the features that are there
        return sigmoid(self.bias + sum(weights[name] * float(v) for name, v in features.items() if v and name in weights))

    def to_dict(self) -> dict[str, Any]:
        return {"weights": dict(self.weights), "bias": self.bias}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "LinearModel":
        return cls(weights={k: float(v) for k, v in data["weights"].items()}, bias=float(data.get("bias", 0.0)))


@dataclass(frozen=True)
class Scoring:
    """The passage model, the answer model and the answer threshold, with what the fit measured."""

    passage: LinearModel
    answer: LinearModel
    threshold: float
    report: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "passage": self.passage.to_dict(),
            "answer": self.answer.to_dict(),
            "threshold": self.threshold,
            "report": self.report,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Scoring":
        return cls(
            passage=LinearModel.from_dict(data["passage"]),
            answer=LinearModel.from_dict(data["answer"]),
            threshold=float(data["threshold"]),
            report=data.get("report", {}),
        )

    def save(self, path: Path = SCORING_FILE) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


@lru_cache(maxsize=4)
def load_scoring(path: Path = SCORING_FILE) -> Scoring:
    """The fitted models (``scoring.json``, written by ``python -m knowledge fit``)."""
    return Scoring.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def passage_features(
    question: float, gloss: float, in_question: bool, in_gloss: bool, dense: float, similarity: float,
    meta: dict[str, Any], language: str, ranks: tuple[int | None, int | None, int] = (None, None, 0),
    best_similarity: float = 0.0, sentence: float | None = None,
) -> dict[str, float]:
    """The passage model's inputs for one candidate (see :data:`PASSAGE_FEATURES`); ``ranks``: its
    places (from 0) in the question's and the gloss's BM25 lists (None: absent) and by similarity."""
    question_rank, gloss_rank, dense_rank = ranks
    signals = {
        "question": question,
        "gloss": gloss,
        "in_question": float(in_question),
        "in_gloss": float(in_gloss),
        "question_rank": 0.0 if question_rank is None else 1.0 / (1 + question_rank),
        "gloss_rank": 0.0 if gloss_rank is None else 1.0 / (1 + gloss_rank),
        "dense": dense,
        "dense_rank": 1.0 / (1 + dense_rank),
        "similarity": similarity,
        "sentence": similarity if sentence is None else sentence,
        "similarity_gap": best_similarity - similarity,
        "card": float(is_card(meta)),
        "same_language": float(bool(language) and meta.get("language") == language),
    }
    for name, kind, signal in _CROSSED:
        if signals[kind]:  # most candidates are neither: their crossed features stay 0 (absent)
            signals[name] = signals[kind] * signals[signal]
    return signals


def answer_features(best: dict[str, Any], best_probability: float, runner_up_probability: float) -> dict[str, float]:
    """The answer model's inputs: ``best`` is the chosen passage's meta (its ``signals``)."""
    signals = best.get("signals") or {}
    return {
        "probability": best_probability,
        "lead": best_probability - runner_up_probability,
        "similarity": float(best.get("dense_score", signals.get("similarity", 0.0)) or 0.0),
        "question": float(signals.get("question", 0.0)),
        "gloss": float(signals.get("gloss", 0.0)),
        "card": float(signals.get("card", 0.0)),
        "same_language": float(signals.get("same_language", 0.0)),
        "sentence": max(best.get(SENTENCE_SCORES) or (0.0,)),
    }
