"""Answer extraction: the one to three sentences of the best passage that answer the question, with a confidence.

The confidence (:func:`confidence_of`) is the learnt answer model's probability that
the answer is right (:mod:`knowledge.scoring`). Below ``min_confidence`` no answer is
given: the caller says so and offers a human agent. The default threshold is the one
``python -m knowledge fit`` chose for at most 3% wrong answers on the dev sets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from haystack import Document, component, default_from_dict, default_to_dict
from haystack.dataclasses import ExtractedAnswer

from knowledge.analysis import analyze, arabic_gloss
from knowledge.document_store import LabourDocumentStore
from knowledge.language import shown_language
from knowledge.limiters import is_card
from knowledge.rankers import VERSION_GROUP
from knowledge.scoring import SENTENCE_SCORES, LinearModel, answer_features, load_scoring

MAX_SENTENCES = 3
MAX_ANSWER_CHARS = 600
# The answer comes from one of the first passages (a same-language one may be chosen).
MAX_SOURCES = 3
# A passage in the user's language wins over a better-ranked one in another
# language when its fused score is at least this share of the best.
SAME_LANGUAGE_MARGIN = 0.9

_SENTENCE_END = re.compile(r"(?<=[.!?؟;؛])\s+|\n+")
# A line break inside a sentence (PDF lines of a statute): the next line goes on with it,
# unless it opens a list item ("- ", "1)", "أ)", "أولا").
_LINE_GOES_ON = re.compile(r"(?<![.!?؟:;؛])[ \t]*\n(?![ \t]*(?:[-•*]|\d+\s*[.)\-–]|[\u0621-\u064a]\s*[)\-–]|أولا|ثانيا|ثالثا|رابعا|خامسا)|\n)")
# A passage this short is shown whole: an article is the unit the law speaks in.
WHOLE_PASSAGE_CHARS = 600
# Added to a sentence's similarity when it holds a number and the question asks for a quantity
# (on the dev sets' replies, the shown text then carried the fact most often).
QUANTITY_PREFERENCE = 0.1


def split_sentences(text: str) -> list[str]:
    r"""Sentences (or list items) of ``text``, stripped, without fragments of one character; a
    line break inside a sentence does not end it, so no number is cut from its unit.

    >>> split_sentences("La durée est de 14\nsemaines. Elle est payée :\n- par la CNSS")
    ['La durée est de 14 semaines.', 'Elle est payée :', '- par la CNSS']
    """
    joined = _LINE_GOES_ON.sub(" ", text or "")
    return [s.strip() for s in _SENTENCE_END.split(joined) if len(s.strip()) > 1]


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where :func:`split_sentences`' sentences lie in ``text`` (start, end), line breaks inside a
    sentence left where they are."""
    goes_on = {m.end() - 1 for m in _LINE_GOES_ON.finditer(text)}
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text) if not (m.group() == "\n" and m.start() in goes_on)]
    spans = zip(starts, [*starts[1:], len(text)])
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _word_spans(text: str, start: int, end: int, length: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut every ``length`` words (a sentence too long for one passage)."""
    words = [m.start() + start for m in re.finditer(r"\S+", text[start:end])]
    return [(words[i], words[i + length] if i + length < len(words) else end) for i in range(0, len(words), length)]


def sentence_chunks(text: str, length: int, overlap: int = 0, threshold: int = 0) -> list[str]:
    """``text`` in passages of at most ``length`` words that begin and end with a sentence (a
    sentence longer than that is cut by words). Each passage after the first repeats the last
    sentences of the one before, up to ``overlap`` words; a last passage with fewer than
    ``threshold`` words of its own joins the one before. A passage cut mid-sentence would be
    embedded, found and shown from half a sentence.

    >>> sentence_chunks("One two three. Four five six. Seven eight.", length=6, overlap=3)
    ['One two three. Four five six.', 'Four five six. Seven eight.']
    """
    spans: list[tuple[int, int]] = []
    for a, b in _sentence_spans(text or ""):
        spans += _word_spans(text, a, b, length) if len(text[a:b].split()) > length else [(a, b)]
    words = [len(text[a:b].split()) for a, b in spans]
    if sum(words) <= length:
        return [text] if spans else []
    chunks: list[list[int]] = []  # [first sentence, end sentence, first sentence of its own]
    first = own = 0
    while first < len(spans):
        end, count = first, 0
        while end < len(spans) and (end == first or count + words[end] <= length):
            count, end = count + words[end], end + 1
        chunks.append([first, end, own])
        if end == len(spans):
            break
        first, carried = end, 0
        while first - 1 > chunks[-1][0] and carried + words[first - 1] <= overlap:
            first, carried = first - 1, carried + words[first - 1]
        own = end
    if len(chunks) > 1 and sum(words[chunks[-1][2] : chunks[-1][1]]) < threshold:
        last = chunks.pop()
        chunks[-1][1] = last[1]
    return [text[spans[i][0] : spans[j - 1][1]].strip() for i, j, _ in chunks]


# Questions that ask for a quantity (an amount, a duration, an age, a date, a count): their
# answer is a sentence with a number, in digits or in words.
_QUANTITY_QUESTION = re.compile(
    r"\b(how (many|much|long|old)|what age|when|combien|quel(le)?s? (est|sont) (le|la|les) (montant|durée|duree|délai|delai|âge|age|taux|nombre)"
    r"|quelle durée|quand|ch7al|chhal|sh7al|chehal|ch7al|imta|fo9ach|foqach|wa9tach)\b"
    r"|كم|شحال|متى|مدة|مبلغ|سن |عدد|نسبة|إمتى|فوقاش|وقتاش",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|eighteen|twenty|thirty|hundred|thousand"
    r"|un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|quinze|vingt|trente|cent|mille)\b"
    r"|واحد|اثن|ثلاث|أربع|خمس|ست|سبع|ثمان|تسع|عشر|مائة|مئة|ألف|يوم|أسبوع|شهر|سنة|ساعة",
    re.IGNORECASE,
)


def asks_quantity(question: str) -> bool:
    """Whether ``question`` asks for an amount, a duration, an age, a date or a count.

    >>> asks_quantity("Combien de jours de congé ?"), asks_quantity("ch7al smig?"), asks_quantity("Qui est le ministre ?")
    (True, True, False)
    """
    return bool(_QUANTITY_QUESTION.search(question or ""))


def _cut(text: str, limit: int = MAX_ANSWER_CHARS) -> str:
    """``text`` within ``limit`` characters, cut between words (never inside a number), marked with …."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip(" ,;:،؛") + "…"


def question_stems(question: str) -> set[str]:
    """The stems of ``question`` and of its Arabic gloss: what a shown sentence should share with it."""
    return set(analyze(f"{question} {arabic_gloss(question)}"))


@dataclass(frozen=True)
class Selection:
    """The sentences shown from a passage, and the best similarity of one of them to the question
    (0.0 when the passage has no sentence embeddings)."""

    text: str
    similarity: float = 0.0


def extract_sentences(
    question: str,
    content: str,
    max_sentences: int = MAX_SENTENCES,
    whole: bool = False,
    asked: set[str] | None = None,
    scores: Sequence[float] | None = None,
) -> Selection:
    """The sentence of ``content`` closest to the question, with what follows.

    ``scores``: each sentence's embedding similarity to the question, in
    :func:`split_sentences`' order (:class:`DenseSimilarity`'s ``meta["sentence_scores"]``);
    it works across languages. Without them, the sentence sharing most stems with the
    question (and its Arabic gloss) is chosen. A question that asks for a quantity
    prefers a sentence that holds a number.

    A passage of at most ``WHOLE_PASSAGE_CHARS`` is shown whole, and so is any with ``whole``
    (an authored card: a paragraph written to answer its topic). ``asked``: the question's
    :func:`question_stems`, when the caller has them already.

    >>> extract_sentences("How long is maternity leave?", "Intro. " * 90 + "The maternity leave lasts fourteen weeks. Other.").text
    'The maternity leave lasts fourteen weeks. Other.'
    """
    sentences = split_sentences(content)
    if not sentences:
        return Selection(_cut(content.strip()))
    if scores is not None and len(scores) != len(sentences):
        scores = None  # embedded from another version of the text
    if len(content) <= WHOLE_PASSAGE_CHARS or whole:
        return Selection(" ".join(sentences), max(scores) if scores is not None else 0.0)
    quantity = asks_quantity(question)
    if scores is not None:
        key = [scores[i] + QUANTITY_PREFERENCE * (quantity and bool(_NUMBER.search(s))) for i, s in enumerate(sentences)]
    else:
        asked = question_stems(question) if asked is None else asked
        overlap = [len(asked & set(analyze(s))) for s in sentences]
        key = [overlap[i] + (quantity and overlap[i] > 0 and bool(_NUMBER.search(s))) for i, s in enumerate(sentences)]
    best = max(range(len(sentences)), key=lambda i: (key[i], -i))
    shown: list[int] = []
    for i in range(best, min(best + max_sentences, len(sentences))):
        if shown and len(" ".join(sentences[j] for j in shown)) + len(sentences[i]) > MAX_ANSWER_CHARS:
            break
        shown.append(i)
    similarity = max(scores[i] for i in shown) if scores is not None else 0.0
    return Selection(_cut(" ".join(sentences[i] for i in shown)), similarity)


def source_of(doc: Document) -> dict[str, Any]:
    """The citation of a passage: ``doc_id``, ``title``, ``ref`` (article), ``url``."""
    m = doc.meta
    return {
        "doc_id": str(m.get("doc_id") or ""),
        "title": str(m.get("title") or ""),
        "ref": str(m.get("ref") or ""),
        "url": str(m.get("url") or ""),
    }


def confidence_of(
    documents: list[Document], chosen: Document, model: LinearModel, query: str = "", text: str = "", language: str = "",
    asked: set[str] | None = None, shown_similarity: float = 0.0,
) -> tuple[float, dict[str, float]]:
    """The answer model's probability (0..1) that an answer from ``chosen`` is right.

    Its inputs (:data:`knowledge.scoring.ANSWER_FEATURES`) are the passage model's
    probability for ``chosen``, its lead over the next passage that is not another version of
    it (:func:`runner_up`), its dense similarity and its best sentence's, what it is, and how the
    shown ``text`` fits the ``query`` (the best similarity of its sentences, ``shown_similarity``;
    the share of the question's stems it holds; whether it has a number when the question asks
    for a quantity), and the citizen's language. On the dev sets this is
    fitted, with cross-validation, to whether the reply carried the fact asked for
    (``python -m knowledge fit``). Returns the probability and the model's inputs.
    """
    rival = runner_up(documents, chosen)
    # what says the same (the card in another language, another version of the text) agrees with
    # the chosen passage: its probability counts for it
    best = max([_probability(chosen), *(_probability(d) for d in documents if _same_answer(d, chosen))])
    features = answer_features(chosen.meta, best, _probability(rival))
    asked = question_stems(query) if asked is None else asked
    features["shown"] = shown_similarity
    features["overlap"] = len(asked & set(analyze(text))) / len(asked) if asked else 0.0
    if asks_quantity(query):
        features["quantity"] = 1.0 if _NUMBER.search(text) else -1.0
    else:
        features["quantity"] = 0.0
    features["citizen_en"], features["citizen_fr"] = float(language == "en"), float(language == "fr")
    return round(model.predict(features), 4), features


def _probability(doc: Document | None) -> float:
    """The passage model's probability for ``doc`` (rankers after the fusion may move scores)."""
    if doc is None:
        return 0.0
    return float((doc.meta.get("signals") or {}).get("probability", doc.score) or 0.0)


def runner_up(documents: list[Document], chosen: Document | None = None) -> Document | None:
    """The best passage other than ``chosen`` (default: the first) that is not another version of
    it: an older SMIG decree (``meta["version_group"]``, set by :class:`knowledge.rankers.CurrencyRanker`)
    does not make the current one less certain, nor does the same card in another language."""
    if not documents:
        return None
    chosen = documents[0] if chosen is None else chosen
    return next((d for d in documents if d.id != chosen.id and not _same_answer(d, chosen)), None)


def _same_answer(doc: Document, chosen: Document) -> bool:
    """``doc`` says what ``chosen`` says: another version of the same text, or the same card
    (its topic) in another language."""
    group, topic = chosen.meta.get(VERSION_GROUP), chosen.meta.get("topic")
    return (group is not None and doc.meta.get(VERSION_GROUP) == group) or (
        is_card(chosen.meta) and bool(topic) and is_card(doc.meta) and doc.meta.get("topic") == topic
    )


@component
class DenseSimilarity:
    """Puts ``meta["dense_score"]`` on each passage: its embedding's similarity to the question's;
    and ``meta["sentence_scores"]``: each of its sentences' similarity to the question.

    Dense retrieval scores only the passages it ranks high; a passage found by BM25
    alone (a statute reached through the Arabic gloss) gets its similarity here, so
    that the answer's confidence does not count it as unrelated to the question. The
    sentences' scores choose what the answer shows (:func:`extract_sentences`).

    Usage example:
    ```python
    import numpy as np
    from haystack import Document
    from knowledge.answers import DenseSimilarity
    from knowledge.document_store import LabourDocumentStore

    store = LabourDocumentStore()
    store.write_documents([Document(id="a", content="x", embedding=[0.6, 0.8])])
    docs = DenseSimilarity(store).run(query_vector=np.array([1.0, 0.0]), documents=[Document(id="a", content="x")])["documents"]
    assert abs(docs[0].meta["dense_score"] - 0.6) < 1e-6
    ```
    """

    def __init__(self, document_store: LabourDocumentStore) -> None:
        """:param document_store: the store holding the passages' embeddings."""
        self.document_store = document_store

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(self, document_store=self.document_store.to_dict())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "DenseSimilarity":
        """Deserializes the component from a dictionary."""
        data["init_parameters"]["document_store"] = LabourDocumentStore.from_dict(data["init_parameters"]["document_store"])
        return default_from_dict(cls, data)

    @component.output_types(documents=list[Document])
    def run(self, query_vector: np.ndarray, documents: list[Document]) -> dict[str, list[Document]]:
        """
        :param query_vector: the question's embedding (:class:`knowledge.embedders.E5TextEmbedder`'s ``vector``).
        :param documents: passages of the store.
        :returns: ``{"documents": [...]}``, the same passages, ``meta["dense_score"]`` and
            ``meta["sentence_scores"]`` (a tuple) set where the store has the embeddings.
        """
        ids = [d.id for d in documents]
        scores = self.document_store.similarities(query_vector, ids)
        sentences = self.document_store.sentence_similarities(query_vector, ids)
        out = []
        for d in documents:
            meta = dict(d.meta)
            if d.id in scores:
                meta["dense_score"] = scores[d.id]
            if d.id in sentences:
                meta[SENTENCE_SCORES] = tuple(float(x) for x in sentences[d.id])
            out.append(replace(d, meta=meta))
        return {"documents": out}


@component
class AnswerExtractor:
    """Picks the passage to answer from, extracts one to three sentences, cites it, and scores the answer.

    The passage is the best-ranked one, unless a passage in the user's language
    among the first three is nearly as good (``SAME_LANGUAGE_MARGIN``). The
    answer is a haystack ``ExtractedAnswer``: ``data`` the sentences, ``score``
    the confidence, ``document`` the passage, ``meta`` with ``language`` (of the
    text shown: :func:`knowledge.language.shown_language`), ``same_language``, ``sources`` (the citation of the passage quoted). ``answers`` is empty when the confidence is below
    ``min_confidence``; ``confidence`` is always returned.

    Usage example:
    ```python
    from haystack import Document
    from knowledge.answers import AnswerExtractor

    doc = Document(content="Intro. Annual leave is 1.5 days per month.", score=1.0,
                   meta={"language": "en", "doc_id": "card", "title": "Leave", "ref": "231", "url": "https://x"})
    out = AnswerExtractor(min_confidence=0.0).run(query="annual leave days", documents=[doc], language="en")
    print(out["answers"][0].data, out["confidence"])
    ```
    """

    def __init__(
        self, min_confidence: float | None = None, max_sentences: int = MAX_SENTENCES, model: LinearModel | None = None
    ) -> None:
        """
        :param min_confidence: below this confidence no answer is returned (default: the
            threshold fitted with the answer model).
        :param max_sentences: most sentences in an answer.
        :param model: the answer model (default: the fitted one, ``knowledge/scoring.json``).
        """
        self.min_confidence = load_scoring().threshold if min_confidence is None else min_confidence
        self.max_sentences = max_sentences
        self.model = model or load_scoring().answer

    def to_dict(self) -> dict[str, Any]:
        """Serializes the component to a dictionary."""
        return default_to_dict(
            self, min_confidence=self.min_confidence, max_sentences=self.max_sentences, model=self.model.to_dict()
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "AnswerExtractor":
        """Deserializes the component from a dictionary."""
        data["init_parameters"]["model"] = LinearModel.from_dict(data["init_parameters"]["model"])
        return default_from_dict(cls, data)

    @component.output_types(answers=list[ExtractedAnswer], confidence=float)
    def run(
        self,
        query: str,
        documents: list[Document],
        language: str = "",
        min_confidence: float | None = None,
    ) -> dict[str, Any]:
        """
        :param query: the question.
        :param documents: ranked passages, best first (``score``: fused score, 0..1; the
            confidence reads the first two).
        :param language: the user's language (``ar``, ``fr``, ``en``); Darija is ``ar``.
        :param min_confidence: overrides the init value.
        :returns: ``{"answers": [ExtractedAnswer] or [], "confidence": float}``.
        """
        if not documents:
            return {"answers": [], "confidence": 0.0}
        threshold = self.min_confidence if min_confidence is None else min_confidence
        best = documents[0]
        chosen = best
        for doc in documents[:MAX_SOURCES]:
            if language and doc.meta.get("language") == language:
                if (doc.score or 0.0) >= SAME_LANGUAGE_MARGIN * (best.score or 0.0):
                    chosen = doc
                break
        asked = question_stems(query)  # analysed once for the sentence choice and the confidence
        selection = extract_sentences(
            query, chosen.content or "", self.max_sentences, whole=is_card(chosen.meta), asked=asked,
            scores=chosen.meta.get(SENTENCE_SCORES),
        )
        text = selection.text
        confidence, features = confidence_of(documents, chosen, self.model, query, text, language, asked, selection.similarity)
        if confidence < threshold:
            return {"answers": [], "confidence": confidence}
        # the reply quotes one passage: it cites that one, not the others it was chosen among
        sources = [source_of(chosen)]
        source_language = shown_language(text, str(chosen.meta.get("language") or ""))
        answer = ExtractedAnswer(
            query=query,
            score=confidence,
            data=text,
            document=chosen,
            meta={
                "language": source_language,
                "same_language": not language or source_language == language,
                "sources": sources,
                "features": features,
            },
        )
        return {"answers": [answer], "confidence": confidence}
