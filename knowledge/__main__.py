"""Command line: ``python -m knowledge build``, ``search "..."``, ``status``, ``eval`` and ``fit``."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from knowledge.index import SourceFolderError, build_index, is_stale, read_manifest
from knowledge.settings import KnowledgeSettings


def _build(args: argparse.Namespace) -> int:
    settings = KnowledgeSettings()
    if args.if_stale and not is_stale(settings):
        print(f"index is up to date: {settings.index_dir}")
        return 0
    try:
        summary = build_index(settings, progress=not args.quiet)
    except SourceFolderError as exc:
        print(f"error: {exc} (check KNOWLEDGE_SOURCES)", file=sys.stderr)
        return 2
    for item in summary.files_skipped:
        print(f"skipped {item['path']}: {item['reason']}", file=sys.stderr)
    print(summary.line())
    return 0


def _load_knowledge_base(settings: KnowledgeSettings):
    """The index at INDEX_DIR, or None after saying on stderr why it cannot be loaded."""
    from knowledge.search import IndexNotFoundError, KnowledgeBase

    try:
        return KnowledgeBase.load(settings.index_dir)
    except IndexNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def _search(args: argparse.Namespace) -> int:
    settings = KnowledgeSettings()
    kb = _load_knowledge_base(settings)
    if kb is None:
        return 2
    result = kb.run(args.query, top_k=args.top_k or settings.top_k)
    if args.json:
        print(json.dumps({"query": args.query, **result.to_dict()}, ensure_ascii=False, indent=2))
        return 0
    verdict = "answer" if result.answer else f"no reliable answer (below {kb.min_confidence})"
    print(f"confidence {result.confidence:.3f}: {verdict}")
    for i, p in enumerate(result.passages, 1):
        ref = f" [{p.ref}]" if p.ref else ""
        print(f"{i}. {p.score:.3f} ({p.language}) {p.doc_id}{ref} {p.title}")
        snippet = " ".join(p.content.split())
        print(f"   {snippet[:240]}{'…' if len(snippet) > 240 else ''}")
        if p.url:
            print(f"   {p.url}")
    return 0


def _eval(args: argparse.Namespace) -> int:
    from knowledge.evaluation import (
        OFFTOPIC,
        decision_accuracy,
        evaluate,
        format_table,
        load_questions,
        question_set_path,
        tune_threshold,
    )

    try:
        path = question_set_path(args.set)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = KnowledgeSettings()
    kb = _load_knowledge_base(settings)
    if kb is None:
        return 2
    questions = load_questions(path)
    offtopic = load_questions(OFFTOPIC)
    report = evaluate(kb, questions, offtopic)
    tuning = tune_threshold(report["decisions"])
    current = {"threshold": kb.min_confidence, "accuracy": decision_accuracy(report["decisions"], kb.min_confidence)}
    if args.json:
        out = {"set": str(path), "scores": report["scores"], "threshold": tuning, "current": current}
        if args.misses:
            out["misses"] = report["misses"]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(f"question set: {path.name}, {len(questions)} questions; index {settings.index_dir} ({len(kb)} passages)")
    print(format_table(report["scores"]))
    print(
        f"confidence threshold: current {kb.min_confidence:.3f} (decision accuracy {current['accuracy']:.2f}); "
        f"tuned {tuning['threshold']:.3f} "
        f"(decision accuracy {tuning['accuracy']:.2f}, answers given {tuning['answered']:.2f}, "
        f"wrong among them {tuning['wrong_answer_rate']:.2f}; {path.name} + {len(offtopic)} off-topic questions)"
    )
    if args.misses:
        print(f"\nmisses of the pipeline (no expected passage in the first 5): {len(report['misses'])}")
        for miss in report["misses"]:
            rank = "not in the first 10" if miss["rank"] is None else f"rank {miss['rank']}"
            print(f"{miss['id']} [{miss['language']}] {rank}: {miss['question']}")
            print(f"   got: {', '.join(miss['got']) or '-'}")
    return 0


def _fit(args: argparse.Namespace) -> int:
    from knowledge.fitting import main as fit_main

    if _load_knowledge_base(KnowledgeSettings()) is None:
        return 2
    return fit_main()


def _status(args: argparse.Namespace) -> int:
    settings = KnowledgeSettings()
    manifest = read_manifest(settings.index_dir)
    state = "missing" if manifest is None else ("stale" if is_stale(settings) else "up to date")
    print(json.dumps({"index_dir": str(settings.index_dir), "state": state, "manifest": manifest}, ensure_ascii=False, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description="Build and search the knowledge index.")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build or update the index (KNOWLEDGE_SOURCES, INDEX_DIR)")
    b.add_argument("--if-stale", action="store_true", help="do nothing when the index is up to date")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.set_defaults(func=_build)
    s = sub.add_parser("search", help="search the index (passages, confidence, answer)")
    s.add_argument("query")
    s.add_argument("--top-k", type=int, default=None)
    s.add_argument("--json", action="store_true", help="print the passages as JSON")
    s.set_defaults(func=_search)
    e = sub.add_parser("eval", help="hit@1/hit@5/MRR per language on a question set, with BM25 and dense baselines")
    e.add_argument(
        "--set",
        default="dev",
        help="dev (the frozen dev set, default), heldout (never tuned on), or the path of a .jsonl question file",
    )
    e.add_argument("--json", action="store_true", help="print the scores and the tuned threshold as JSON")
    e.add_argument("--misses", action="store_true", help="also list the questions the pipeline missed, with what it found")
    e.set_defaults(func=_eval)
    f = sub.add_parser("fit", help="fit the passage and answer models on the dev sets (writes knowledge/scoring.json)")
    f.set_defaults(func=_fit)
    st = sub.add_parser("status", help="print the index state (missing / stale / up to date) and manifest")
    st.set_defaults(func=_status)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
