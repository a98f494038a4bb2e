"""Extraction damage left in the legal corpus, before and after :func:`knowledge.arabic.repair_arabic`.

Counts every kind of damage in ``knowledge.arabic.DAMAGE_PATTERNS`` over the
content of every provision of every statute in ``<repo>/../shared/corpus/legal``
(or the folder given), raw and repaired, and prints one line per kind.

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

from knowledge.arabic import damage_counts, repair_arabic  # noqa: E402
from knowledge.settings import REPO_ROOT  # noqa: E402


def provisions(legal_dir: Path):
    for path in sorted(legal_dir.glob("*.json")):
        for provision in json.loads(path.read_text(encoding="utf-8")).get("provisions", []):
            if provision.get("content"):
                yield provision["content"]


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
    texts = list(provisions(legal_dir))
    t0 = time.perf_counter()
    for text in texts:
        before.update(damage_counts(text))
        after.update(damage_counts(repair_arabic(text)))
    seconds = time.perf_counter() - t0
    if args.json:
        print(json.dumps({"provisions": len(texts), "before": before, "after": after, "seconds": seconds}))
        return 0
    print(f"{len(texts)} provisions from {legal_dir} ({seconds:.1f}s)")
    print(f"{'damage':28} {'before':>7} {'after':>7}")
    for name in before:
        print(f"{name:28} {before[name]:7d} {after[name]:7d}")
    print(f"{'total':28} {sum(before.values()):7d} {sum(after.values()):7d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
