"""BM25 of the knowledge layer: a ``bm25s`` index over the project's own analysis tokens.

- Passages are indexed by :func:`knowledge.analysis.analyze_passage` of :func:`bm25_text`
  (their :data:`BM25_META_FIELDS` and content), queries by :func:`knowledge.analysis.analyze`:
  ``bm25s`` gets the token lists and never tokenises, stems or drops stop words itself.
- The variant is haystack's ``InMemoryDocumentStore`` default, which the index used before:
  BM25L with ``k1=1.5``, ``b=0.75``, ``delta=0.5`` and idf ``log((N + 1) / (df + 0.5))``.
  As there, a query term absent from a passage adds nothing to its score (``bm25s``
  gives it BM25L's lower bound, which :meth:`BM25Index.scores` leaves out), so a score
  of 0 means no query term in the passage, and the scores the learnt fusion scales
  (``knowledge/scoring.json``) stay what they were.
- Each query term counts once, however often the question repeats it.

Usage example:
```python
from haystack import Document
from knowledge.bm25 import BM25Index

index = BM25Index([Document(content="العطلة السنوية المؤدى عنها"), Document(content="Overtime pay")])
scores = index.scores("عطلة سنوية")
assert scores[0] > 0 and scores[1] == 0
```
"""

from __future__ import annotations

import logging

import bm25s
import numpy as np
from haystack import Document

from knowledge.analysis import analyze, analyze_passage

# bm25s sets its own logger to DEBUG on import, which prints "Building index from tokens" through
# the application's handlers on every load
logging.getLogger("bm25s").setLevel(logging.WARNING)

# Meta fields BM25 reads with the content (the text shown and embedded stays ``content``).
BM25_META_FIELDS = ("chapter",)
# (Statute titles are left out: measured on the dev set, they cost more hit@5 than they gave,
# even for decrees alone.)

# BM25L, with haystack's InMemoryDocumentStore defaults (the scores knowledge/scoring.json was fitted on).
BM25_METHOD = "bm25l"
BM25_K1 = 1.5
BM25_B = 0.75
BM25_DELTA = 0.5


def bm25_text(doc: Document) -> str:
    """What BM25 indexes of ``doc``: its :data:`BM25_META_FIELDS` and its content."""
    parts = [str(doc.meta.get(field) or "") for field in BM25_META_FIELDS]
    return "\n".join([*(p for p in parts if p), doc.content or ""])


class BM25Index:
    """A ``bm25s`` BM25L index of ``documents``, by their row in that list.

    Built in one pass over the passages' tokens (about a second for the full corpus),
    so it is built when the index is loaded rather than saved with it.
    """

    def __init__(self, documents: list[Document]) -> None:
        self.size = len(documents)
        self.bm25 = bm25s.BM25(method=BM25_METHOD, k1=BM25_K1, b=BM25_B, delta=BM25_DELTA)
        if documents:
            self.bm25.index([analyze_passage(bm25_text(d)) for d in documents], show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        """The BM25L score of every document for ``query`` (0: no query term in it)."""
        scores = np.zeros(self.size, dtype=np.float32)
        if not self.size:
            return scores
        # Terms are added in the order of their text: bm25s numbers its vocabulary in an order that
        # changes from process to process, and float sums in another order break ties another way.
        for token_id in self.bm25.get_tokens_ids(sorted(set(analyze(query)))):
            # bm25s's BM25L gives the term's lower bound to the documents without it: leave it out
            term = self.bm25.get_scores_from_ids([token_id])
            scores += np.where(term > self.bm25.nonoccurrence_array[token_id], term, 0.0)
        return scores
