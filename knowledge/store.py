"""The document store of the index: haystack's InMemoryDocumentStore with Arabic-aware BM25.

BM25 tokens are taken from :func:`knowledge.arabic.normalize_arabic` of the text
(harakat, tatweel, alef/ya/ta-marbuta variants and Arabic-Indic digits folded),
for documents and queries alike, while ``content`` keeps the readable text.

>>> store = LabourDocumentStore()
>>> store._tokenize_bm25("الأُجرة الدنيا")
['الاجره', 'الدنيا']
"""

from __future__ import annotations

from haystack.document_stores.in_memory import InMemoryDocumentStore

from knowledge.arabic import normalize_arabic


class LabourDocumentStore(InMemoryDocumentStore):
    """InMemoryDocumentStore whose BM25 tokenizer normalises Arabic first.

    Saved with ``save_to_disk`` and loaded with ``LabourDocumentStore.load_from_disk``
    exactly like its parent.
    """

    def _tokenize_bm25(self, text: str) -> list[str]:
        return super()._tokenize_bm25(normalize_arabic(text))
