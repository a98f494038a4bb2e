"""Benchmark: query latency (p50, p95) against one query embedding, and peak memory of a process holding the index.

    INDEX_DIR=var/index .venv/bin/python bench/knowledge_query.py [--queries 128]

Runs the dev set's questions (read only) through the full query pipeline
(``KnowledgeBase.run``: retrieval, fusion, ranking, answer extraction) and,
in the same run, through the bare query embedding alone. Target: pipeline p50
at most 1.5x one embedding's p50. Also times the embedding of the text the
pipeline embeds (the question and its Arabic gloss, ``dense_query``), which is
longer than the question: the rest of the pipeline's time is its own work. The
three are timed in a random order for each question (fixed seed).
Peak RSS (``ru_maxrss``) is printed after loading and after querying. Always exits 0.
"""
from __future__ import annotations

import argparse
import random
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
    parser.add_argument("--queries", type=int, default=128, help="how many dev-set questions (all 128 by default: fewer are noisy)")
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
    expander = kb.pipeline.get_component("query_expander")
    model.warm_up()
    kb.run("warm up")
    timings: dict[str, list[float]] = {"embed": [], "dense_query": [], "pipeline": []}
    order = random.Random(0)
    for q in questions:
        dense_query = expander.run(query=q)["dense_query"]
        runs = [
            ("embed", lambda: model._model.query(q)),
            ("dense_query", lambda: model._model.query(dense_query)),
            ("pipeline", lambda: kb.run(q)),
        ]
        # interleaved, so all three see the same machine load, in a random order: an embedding
        # right after other work (the pipeline's memory traffic, a pause) is slower than one right
        # after another embedding, and no measure should always, or never, pay for that
        order.shuffle(runs)
        for name, run in runs:
            t0 = time.perf_counter()
            run()
            timings[name].append((time.perf_counter() - t0) * 1000)
    embed_ms, dense_query_ms, pipeline_ms = timings["embed"], timings["dense_query"], timings["pipeline"]
    e50, e95 = _p(embed_ms, 50), _p(embed_ms, 95)
    d50, d95 = _p(dense_query_ms, 50), _p(dense_query_ms, 95)
    p50, p95 = _p(pipeline_ms, 50), _p(pipeline_ms, 95)
    print(f"index: {kb.index_dir} ({len(kb)} passages); {len(questions)} queries")
    print(f"one query embedding:       p50 {e50:7.1f} ms  p95 {e95:7.1f} ms")
    print(f"question + gloss embedded: p50 {d50:7.1f} ms  p95 {d95:7.1f} ms  ({d50 / e50:.2f}x the question's p50)")
    print(f"full query pipeline:       p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")
    print(f"ratio p50 {p50 / e50:.2f}x  p95 {p95 / e95:.2f}x   target p50 <= 1.5x")
    print(f"peak RSS: {before:.0f} MiB before load, {loaded:.0f} MiB after load, {_rss_mib():.0f} MiB after queries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
