"""Word a knowledge answer for the user: one framing line in their language, the quoted sentences, the sources.

Choosing the passage, extracting the sentences and scoring the confidence
happen in the knowledge pipeline (``knowledge.answers.AnswerExtractor``); this
module only words the result.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence

from haystack import Document

from actions.messages import message
from knowledge.answers import AnswerExtractor
from knowledge.keyfact import key_fact
from knowledge.search import SearchResult


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


def citation(source: dict[str, Any], language: str) -> str:
    if source.get("ref"):
        return f"{source['title']}, {message('article', language, ref=source['ref'])}"
    return str(source.get("title") or "")


def source_of(passage: Passage) -> dict[str, Any]:
    return {"doc_id": passage.doc_id, "title": passage.title, "ref": passage.ref, "url": passage.url}


def _worded(text: str, same_language: bool, sources: list[dict[str, Any]], language: str, question: str) -> Answer:
    """The reply: the key fact first when the text is in another language (see
    :mod:`knowledge.keyfact`), then where the answer comes from, then the quoted sentences."""
    intro_key = "answer_intro" if same_language else "answer_intro_translated"
    intro = message(intro_key, language, citation=citation(sources[0], language))
    fact = None if same_language else key_fact(text, language, question)
    lead = f"{message('key_fact', language, fact=fact)}\n" if fact else ""
    return Answer(text=f"{lead}{intro}\n{text}", sources=sources)


def compose_reply(result: SearchResult, language: str, question: str = "") -> Answer | None:
    """The cited reply to a knowledge search, or ``None`` when it found no reliable answer."""
    if result.answer is None:
        return None
    return _worded(result.answer.text, result.answer.same_language, result.answer.sources, language, question)


def compose_answer(question: str, passages: Sequence[Passage], language: str) -> Answer | None:
    """A cited answer from already retrieved passages, with no confidence threshold (agents' suggestions).

    ``None`` when there is no passage.
    """
    documents = [
        Document(
            content=p.content,
            score=p.score,
            meta={"language": p.language, "doc_id": p.doc_id, "title": p.title, "ref": p.ref, "url": p.url},
        )
        for p in passages
    ]
    answers = AnswerExtractor(min_confidence=0.0).run(query=question, documents=documents, language=language)["answers"]
    if not answers:
        return None
    chosen = answers[0]
    return _worded(chosen.data or "", chosen.meta["same_language"], chosen.meta["sources"], language, question)
