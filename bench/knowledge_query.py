"""Benchmark: query latency (p50, p95) against one query embedding, and peak memory of a process holding the index.

    INDEX_DIR=/tmp/h6-index .venv/bin/python bench/knowledge_query.py [--queries 60]

Runs the dev set's questions (read only) through the full query pipeline
(``KnowledgeBase.run``: retrieval, fusion, ranking, answer extraction) and,
in the same run, through the bare query embedding alone. Target: pipeline p50
at most 1.5x one embedding's p50. Peak RSS (``ru_maxrss``) is printed after
loading and after querying. Always exits 0.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=60)
    args = parser.parse_args()

    from knowledge.evaluation import DEVSET, load_questions
    from knowledge.search import IndexNotFoundError, KnowledgeBase

    before = _rss_mib()
    try:
        kb = KnowledgeBase.load()
    except IndexNotFoundError as exc:
        print(f"skipped: {exc}")
        return 0
    loaded = _rss_mib()
    questions = [q["question"] for q in load_questions(DEVSET)][: args.queries]
    model = kb.pipeline.get_component("text_embedder")
    model.warm_up()
    kb.run("warm up")
    pipeline_ms, embed_ms = [], []
    for q in questions:  # interleaved, so both see the same machine load
        t0 = time.perf_counter()
        model._model.query(q)
        embed_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        kb.run(q)
        pipeline_ms.append((time.perf_counter() - t0) * 1000)
    e50, e95 = _p(embed_ms, 50), _p(embed_ms, 95)
    p50, p95 = _p(pipeline_ms, 50), _p(pipeline_ms, 95)
    print(f"index: {kb.index_dir} ({len(kb)} passages); {len(questions)} queries")
    print(f"one query embedding: p50 {e50:7.1f} ms  p95 {e95:7.1f} ms")
    print(f"full query pipeline: p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")
    print(f"ratio p50 {p50 / e50:.2f}x  p95 {p95 / e95:.2f}x   target p50 <= 1.5x")
    print(f"peak RSS: {before:.0f} MiB before load, {loaded:.0f} MiB after load, {_rss_mib():.0f} MiB after queries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
