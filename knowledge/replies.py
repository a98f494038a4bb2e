"""Word a knowledge answer: one framing line in the reader's language, the quoted sentences, the sources.

The one place where an answer becomes text, shared by the bot's knowledge action
(a citizen's reply) and agent assist (an agent's suggestion), so that agents see
what the bot would say. Choosing the passage, extracting the sentences and scoring
the confidence happen in the pipeline (:class:`knowledge.answers.AnswerExtractor`);
the citation of a passage is :func:`knowledge.answers.source_of`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from haystack import Document

from knowledge.answers import AnswerExtractor
from knowledge.keyfact import key_fact
from knowledge.search import Passage, SearchResult
from languages import language_or_default

# The texts a reply is framed with, in each of the assistant's languages.
REPLY_TEXTS: dict[str, dict[str, str]] = {
    "answer_intro": {
        "ar": "حسب {citation}:",
        "fr": "Selon {citation} :",
        "en": "According to {citation}:",
    },
    # the quoted text is in another language than the reader's: say which
    "answer_intro_translated": {
        "ar": "حسب {citation} (النص ب{source_language}):",
        "fr": "Selon {citation} (texte en {source_language}) :",
        "en": "According to {citation} (text in {source_language}):",
    },
    # the quantity an Arabic text gives, said first in the reader's language (knowledge/keyfact.py)
    "key_fact": {"ar": "{fact}", "fr": "En bref : {fact}. Le texte officiel est en arabe.", "en": "In short: {fact}. The official text is in Arabic."},
    "article": {"ar": "المادة {ref}", "fr": "article {ref}", "en": "article {ref}"},
}
# A source's language, named in the reader's language.
LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "ar": {"ar": "العربية", "fr": "الفرنسية", "en": "الإنجليزية"},
    "fr": {"ar": "arabe", "fr": "français", "en": "anglais"},
    "en": {"ar": "Arabic", "fr": "French", "en": "English"},
}


def _text(key: str, language: str, **values: str) -> str:
    return REPLY_TEXTS[key][language_or_default(language)].format(**values)


@dataclass
class Reply:
    """An answer worded for the reader: ``text`` and the ``sources`` it quotes (``doc_id``, ``title``, ``ref``, ``url``)."""

    text: str
    sources: list[dict[str, Any]] = field(default_factory=list)


def citation(source: dict[str, Any], language: str) -> str:
    """How a reply names its source: the title, and the article when there is one."""
    if source.get("ref"):
        return f"{source['title']}, {_text('article', language, ref=source['ref'])}"
    return str(source.get("title") or "")


def _worded(text: str, source_language: str, sources: list[dict[str, Any]], language: str, question: str) -> Reply:
    """The key fact first when the text is in Arabic and the reader's language is another (see
    :mod:`knowledge.keyfact`), then where the answer comes from (and in which language it is
    written, when not the reader's), then the quoted sentences."""
    reader = language_or_default(language)
    names = LANGUAGE_NAMES[reader]
    translated = source_language in names and source_language != reader
    intro_key = "answer_intro_translated" if translated else "answer_intro"
    intro = _text(intro_key, reader, citation=citation(sources[0], reader), source_language=names.get(source_language, ""))
    fact = key_fact(text, reader, question) if translated and source_language == "ar" else None
    lead = f"{_text('key_fact', reader, fact=fact)}\n" if fact else ""
    return Reply(text=f"{lead}{intro}\n{text}", sources=sources)


def compose_reply(result: SearchResult, language: str, question: str = "") -> Reply | None:
    """The cited reply to a knowledge search, or ``None`` when it found no reliable answer."""
    if result.answer is None:
        return None
    return _worded(result.answer.text, result.answer.language, result.answer.sources, language, question)


def compose_answer(question: str, passages: Sequence[Passage], language: str) -> Reply | None:
    """A cited reply from already retrieved passages, with no confidence threshold (agents' suggestions).

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
    return _worded(chosen.data or "", chosen.meta["language"], chosen.meta["sources"], language, question)
