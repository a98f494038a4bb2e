"""Extraction damage left in the legal corpus, before and after :func:`knowledge.arabic.repair_arabic`.

Counts every kind of damage in ``knowledge.arabic.DAMAGE_PATTERNS`` over the
content of every provision of every statute in ``<repo>/../shared/corpus/legal``
(or the folder given), raw and repaired, and prints one line per kind. As in the
index, whether a text is damaged is decided over the whole statute
(:func:`knowledge.arabic.is_damaged`); the last lines say how many statutes were
judged damaged and how many provisions the repair changed (beyond the spaces at
their ends).

    .venv/bin/python bench/arabic_damage.py [LEGAL_DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from knowledge.arabic import damage_counts, is_damaged, repair_arabic  # noqa: E402
from knowledge.settings import REPO_ROOT  # noqa: E402


def statutes(legal_dir: Path):
    """The non-empty provision contents of each statute, one list per file."""
    for path in sorted(legal_dir.glob("*.json")):
        provisions = json.loads(path.read_text(encoding="utf-8")).get("provisions", [])
        yield [p["content"] for p in provisions if p.get("content")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("legal_dir", nargs="?", default=str(REPO_ROOT.parent / "shared" / "corpus" / "legal"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    legal_dir = Path(args.legal_dir)
    if not legal_dir.is_dir():
        print(f"error: no legal corpus at {legal_dir}", file=sys.stderr)
        return 2
    before, after = Counter(), Counter()
    texts = list(statutes(legal_dir))
    provisions = changed = damaged_statutes = 0
    t0 = time.perf_counter()
    for contents in texts:
        damaged = is_damaged("\n".join(contents))
        damaged_statutes += damaged
        for text in contents:
            repaired = repair_arabic(text, damaged=damaged)
            provisions += 1
            changed += repaired != text.strip()
            before.update(damage_counts(text))
            after.update(damage_counts(repaired))
    seconds = time.perf_counter() - t0
    if args.json:
        print(
            json.dumps(
                {
                    "statutes": len(texts),
                    "damaged_statutes": damaged_statutes,
                    "provisions": provisions,
                    "changed": changed,
                    "before": before,
                    "after": after,
                    "seconds": seconds,
                }
            )
        )
        return 0
    print(f"{provisions} provisions from {legal_dir} ({seconds:.1f}s)")
    print(f"{'damage':28} {'before':>7} {'after':>7}")
    for name in before:
        print(f"{name:28} {before[name]:7d} {after[name]:7d}")
    print(f"{'total':28} {sum(before.values()):7d} {sum(after.values()):7d}")
    print(f"statutes judged damaged: {damaged_statutes} of {len(texts)}; provisions changed: {changed} of {provisions}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
