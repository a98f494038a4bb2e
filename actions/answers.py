"""Turn retrieved passages into a short, cited answer in the user's language."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence

from actions.messages import message

MAX_SENTENCES = 3
MAX_ANSWER_CHARS = 450
MAX_SOURCES = 3
# A same-language passage wins over a better-ranked one when it scores at
# least this share of the best score: citizens should read their own language.
SAME_LANGUAGE_MARGIN = 0.9

_SENTENCE_END = re.compile(r"(?<=[.!?؟;؛])\s+|\n+")
_WORD = re.compile(r"\w+", re.UNICODE)


class Passage(Protocol):
    content: str
    score: float
    language: str
    doc_id: str
    title: str
    ref: str | None
    url: str | None


@dataclass
class Answer:
    text: str
    sources: list[dict[str, Any]] = field(default_factory=list)


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if len(w) > 2}


def choose_passage(passages: Sequence[Passage], language: str) -> Passage:
    best = passages[0]
    for passage in passages[:MAX_SOURCES]:
        if passage.language == language and passage.score >= SAME_LANGUAGE_MARGIN * best.score:
            return passage
    return best


def extract_sentences(question: str, content: str) -> str:
    """The one to three sentences of ``content`` that share most words with the question."""
    sentences = [s.strip() for s in _SENTENCE_END.split(content) if len(s.strip()) > 1]
    if not sentences:
        return content.strip()[:MAX_ANSWER_CHARS]
    asked = _words(question)
    best = max(range(len(sentences)), key=lambda i: (len(asked & _words(sentences[i])), -i))
    chosen: list[str] = []
    for sentence in sentences[best : best + MAX_SENTENCES]:
        if chosen and len(" ".join(chosen)) + len(sentence) > MAX_ANSWER_CHARS:
            break
        chosen.append(sentence)
    text = " ".join(chosen)
    return text if len(text) <= MAX_ANSWER_CHARS else text[: MAX_ANSWER_CHARS - 1].rstrip() + "…"


def citation(passage: Passage, language: str) -> str:
    if passage.ref:
        return f"{passage.title}, {message('article', language, ref=passage.ref)}"
    return passage.title


def source_of(passage: Passage) -> dict[str, Any]:
    return {"doc_id": passage.doc_id, "title": passage.title, "ref": passage.ref, "url": passage.url}


def compose_answer(question: str, passages: Sequence[Passage], language: str) -> Answer | None:
    """A cited answer from the best passage, or None when nothing was retrieved."""
    if not passages:
        return None
    chosen = choose_passage(passages, language)
    intro_key = "answer_intro" if chosen.language == language else "answer_intro_translated"
    intro = message(intro_key, language, citation=citation(chosen, language))
    text = f"{intro}\n{extract_sentences(question, chosen.content)}"
    sources: list[dict[str, Any]] = [source_of(chosen)]
    for passage in passages:
        if len(sources) >= MAX_SOURCES:
            break
        candidate = source_of(passage)
        if all((s["doc_id"], s["ref"]) != (candidate["doc_id"], candidate["ref"]) for s in sources):
            sources.append(candidate)
    return Answer(text=text, sources=sources)
