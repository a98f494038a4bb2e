"""Benchmark: cold index build of the shared corpus against the embedder's raw throughput on the same chunks.

    .venv/bin/python bench/knowledge_build.py [--sources ../shared/corpus]

Builds the index into a temporary folder with an empty temporary embedding
cache (cold), then embeds the very same chunk texts with the bare model, no
cache, in the same process. Prints chunks per second for both and the
pipeline's overhead over raw embedding. Targets: whole corpus under 180 s on
the 2-core reference machine; overhead at most 25 %. Always exits 0.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", default=str(REPO.parent / "shared" / "corpus"))
    args = parser.parse_args()
    if not Path(args.sources).is_dir():
        print(f"skipped: no corpus at {args.sources}")
        return 0

    import numpy as np

    from knowledge.embedders import E5DocumentEmbedder, _load_model, _text_to_embed
    from knowledge.index import STORE_FILE, build_index
    from knowledge.settings import KnowledgeSettings
    from knowledge.store import LabourDocumentStore

    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        settings = KnowledgeSettings(
            index_dir=Path(tmp) / "index", embedding_cache_dir=Path(tmp) / "cache", knowledge_sources=args.sources
        )
        t0 = time.perf_counter()
        summary = build_index(settings, progress=False)
        build_s = time.perf_counter() - t0
        store = LabourDocumentStore.load_from_disk(str(settings.index_dir / STORE_FILE))
        embedder = E5DocumentEmbedder(model=settings.embedding_model, cache_dir=None, progress_bar=False)
        texts = [
            _text_to_embed(d, embedder.meta_fields_to_embed, embedder.embedding_separator)
            for d in store.filter_documents()
        ]
        model = _load_model(settings.embedding_model)
        t0 = time.perf_counter()
        for start in range(0, len(texts), embedder.batch_size):
            np.asarray(model.passage(texts[start : start + embedder.batch_size]))
        raw_s = time.perf_counter() - t0

    chunks = summary.chunks
    print(f"corpus: {args.sources} ({summary.documents} documents, {chunks} chunks, {summary.embedded} embedded cold)")
    print(f"index build (cold cache): {build_s:7.1f} s  {chunks / build_s:6.1f} chunks/s   target < 180 s")
    print(f"raw embedding, same chunks: {raw_s:5.1f} s  {len(texts) / raw_s:6.1f} chunks/s")
    print(f"pipeline overhead over raw embedding: {build_s / raw_s - 1:+.1%}   target <= +25%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
