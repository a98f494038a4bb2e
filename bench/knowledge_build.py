"""Benchmark: cold index build of the shared corpus against the embedder's raw throughput on the same chunks.

    .venv/bin/python bench/knowledge_build.py [--sources ../shared/corpus]

Builds the index into a temporary folder with an empty temporary embedding
cache (cold), then embeds the very same texts the pipeline embedded (each
chunk cut to ``EMBED_MAX_TOKENS``) with the bare model, no cache, in the same
process. Prints chunks per second for both and the pipeline's overhead over
raw embedding. With ``--whole``, also embeds every chunk whole with its title
in front (what the index embedded before the cut), the reference for the
speed-up. Targets: whole corpus under 180 s on the 2-core reference machine;
overhead at most 25 %. Always exits 0.
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
    parser.add_argument("--whole", action="store_true", help="also time whole chunks with their title (the old way)")
    args = parser.parse_args()
    if not Path(args.sources).is_dir():
        print(f"skipped: no corpus at {args.sources}")
        return 0

    import numpy as np

    from knowledge.document_store import LabourDocumentStore
    from knowledge.embedders import text_to_embed
    from knowledge.embedding_models import load_model
    from knowledge.index import STORE_FILE, build_index
    from knowledge.pipelines import build_indexing_pipeline
    from knowledge.settings import KnowledgeSettings

    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        settings = KnowledgeSettings(
            index_dir=Path(tmp) / "index", embedding_cache_dir=Path(tmp) / "cache", knowledge_sources=args.sources
        )
        t0 = time.perf_counter()
        summary = build_index(settings, progress=False)
        build_s = time.perf_counter() - t0
        documents = LabourDocumentStore.load_from_disk(str(settings.index_dir / STORE_FILE)).filter_documents()
        pipeline = build_indexing_pipeline(LabourDocumentStore(), model=settings.embedding_model, progress_bar=False)
        embedder = pipeline.get_component("embedder")
        texts = embedder.texts_to_embed(documents)
        model = load_model(settings.embedding_model)

        def raw_seconds(batch: list[str]) -> float:
            t0 = time.perf_counter()
            for start in range(0, len(batch), embedder.batch_size):
                np.asarray(model.passage(batch[start : start + embedder.batch_size]))
            return time.perf_counter() - t0

        raw_s = raw_seconds(texts)
        whole_s = raw_seconds([text_to_embed(d, ["title"], "\n") for d in documents]) if args.whole else None

    chunks = summary.chunks
    print(f"corpus: {args.sources} ({summary.documents} documents, {chunks} chunks, {summary.embedded} embedded cold)")
    print(f"index build (cold cache): {build_s:7.1f} s  {chunks / build_s:6.1f} chunks/s   target < 180 s")
    print(f"raw embedding, same texts: {raw_s:6.1f} s  {len(texts) / raw_s:6.1f} chunks/s")
    print(f"pipeline overhead over raw embedding: {build_s / raw_s - 1:+.1%}   target <= +25%")
    if whole_s is not None:
        print(f"raw embedding, whole chunks with title: {whole_s:6.1f} s; build / that: {build_s / whole_s:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
