"""Command line: ``python -m knowledge build`` and ``python -m knowledge search "..."``."""

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


def _search(args: argparse.Namespace) -> int:
    from knowledge.search import IndexNotFoundError, KnowledgeBase

    settings = KnowledgeSettings()
    try:
        kb = KnowledgeBase.load(settings.index_dir)
    except IndexNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    passages = kb.search(args.query, top_k=args.top_k or settings.top_k)
    if args.json:
        print(json.dumps([p.to_dict() for p in passages], ensure_ascii=False, indent=2))
        return 0
    for i, p in enumerate(passages, 1):
        ref = f" [{p.ref}]" if p.ref else ""
        print(f"{i}. {p.score:.3f} ({p.language}) {p.doc_id}{ref} {p.title}")
        snippet = " ".join(p.content.split())
        print(f"   {snippet[:240]}{'…' if len(snippet) > 240 else ''}")
        if p.url:
            print(f"   {p.url}")
    return 0


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
    s = sub.add_parser("search", help="search the index")
    s.add_argument("query")
    s.add_argument("--top-k", type=int, default=None)
    s.add_argument("--json", action="store_true", help="print the passages as JSON")
    s.set_defaults(func=_search)
    st = sub.add_parser("status", help="print the index state (missing / stale / up to date) and manifest")
    st.set_defaults(func=_status)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
