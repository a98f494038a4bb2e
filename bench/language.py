"""Language-identification accuracy on the frozen dev set, next to langdetect alone.

    PYTHONPATH=. .venv/bin/python bench/language.py [--json] [--errors]

Runs in either virtualenv (bot.langid needs only the stdlib and langdetect). For
each group of bench/data/language_devset.jsonl it reports the share of messages
where the detector is confident and right, for:

* ``bot.langid`` (what the Rasa component uses);
* ``langdetect`` alone, all its languages, fixed seed (``ar``/``fr``/``en`` only
  count when they are the expected one);
* ``langdetect ar/fr/en``: langdetect restricted to our three languages.

It also times the three over the whole set, as a ratio to langdetect alone measured
in the same run. Exit status 1 when bot.langid misses the targets (98% overall,
95% in every group).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable, Dict, List, Optional

from langdetect import DetectorFactory, detect
from langdetect.lang_detect_exception import LangDetectException

from bot.langid import identify, langdetect_probabilities

DEVSET = Path(__file__).resolve().parent / "data" / "language_devset.jsonl"
TARGET_OVERALL = 0.98
TARGET_GROUP = 0.95
TIMING_ROUNDS = 5


def langid_guess(text: str) -> Optional[str]:
    guess = identify(text)
    return guess.language if guess.confident else None


def langdetect_guess(text: str) -> Optional[str]:
    try:
        return detect(text)
    except LangDetectException:
        return None


def langdetect_restricted_guess(text: str) -> Optional[str]:
    probabilities = langdetect_probabilities(text)
    return max(probabilities, key=probabilities.get) if probabilities else None


DETECTORS: Dict[str, Callable[[str], Optional[str]]] = {
    "bot.langid": langid_guess,
    "langdetect": langdetect_guess,
    "langdetect ar/fr/en": langdetect_restricted_guess,
}


def load(path: Path) -> List[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def accuracy(items: List[dict], guess: Callable[[str], Optional[str]]):
    right, total, errors = defaultdict(int), defaultdict(int), []
    for item in items:
        predicted = guess(item["text"])
        total[item["group"]] += 1
        if predicted == item["expected"]:
            right[item["group"]] += 1
        else:
            errors.append({**item, "predicted": predicted})
    groups = {group: right[group] / total[group] for group in total}
    return groups, sum(right.values()) / len(items), errors


def seconds_per_pass(items: List[dict]) -> Dict[str, float]:
    """Best time of each detector over the whole set; rounds interleave the detectors
    so that load from other processes falls on all of them alike."""
    best = {name: float("inf") for name in DETECTORS}
    for _ in range(TIMING_ROUNDS):
        for name, guess in DETECTORS.items():
            start = time.perf_counter()
            for item in items:
                guess(item["text"])
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devset", type=Path, default=DEVSET)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--errors", action="store_true", help="list bot.langid's misses")
    args = parser.parse_args(argv)

    DetectorFactory.seed = 0  # langdetect is random otherwise
    items = load(args.devset)
    groups = list(dict.fromkeys(item["group"] for item in items))
    results = {}
    for name, guess in DETECTORS.items():
        by_group, overall, errors = accuracy(items, guess)
        results[name] = {"overall": overall, "groups": by_group, "errors": errors}
    seconds = seconds_per_pass(items)
    baseline = seconds["langdetect"]
    timing = {name: value / baseline for name, value in seconds.items()}

    ours = results["bot.langid"]
    passed = ours["overall"] >= TARGET_OVERALL and all(
        share >= TARGET_GROUP for share in ours["groups"].values()
    )
    if args.json:
        print(json.dumps(
            {"items": len(items), "results": results, "time_ratio_to_langdetect": timing,
             "baseline_ms_per_message": 1000 * baseline / len(items), "targets_met": passed},
            ensure_ascii=False, indent=2,
        ))
        return 0 if passed else 1

    counts = {group: sum(1 for item in items if item["group"] == group) for group in groups}
    names = list(DETECTORS)
    print(f"{len(items)} messages from {args.devset.name}\n")
    print("| group | n | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for group in groups:
        cells = " | ".join(f"{100 * results[n]['groups'][group]:.1f}%" for n in names)
        print(f"| {group} | {counts[group]} | {cells} |")
    cells = " | ".join(f"**{100 * results[n]['overall']:.1f}%**" for n in names)
    print(f"| overall | {len(items)} | {cells} |")
    print(
        f"\ntime per pass over the set, ratio to langdetect alone "
        f"({1000 * baseline / len(items):.2f} ms/message in this run): "
        + ", ".join(f"{n} {ratio:.2f}x" for n, ratio in timing.items())
    )
    print(
        f"targets (bot.langid: >= {TARGET_OVERALL:.0%} overall, >= {TARGET_GROUP:.0%} per group): "
        + ("met" if passed else "NOT met")
    )
    if args.errors:
        for error in ours["errors"]:
            print(f"  [{error['group']}] expected {error['expected']}, got {error['predicted']}: {error['text']}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
