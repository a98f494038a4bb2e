"""Fail when the intent F1 of `rasa test nlu --cross-validation` falls below a floor.

    python scripts/intent_f1_floor.py var/rasa-nlu-results/intent_report.json [--floor 0.76]

Reads the intent report that `rasa test nlu` writes in its ``--out`` folder (the
held-out folds' predictions, cross-validated) and checks both the weighted and the macro
average F1 against the floor. The predicted intent is the one the bot acts on, so a
message that FallbackClassifier or IntentGate turns into ``nlu_fallback`` counts as wrong.

The floor is the measured value less a margin: two runs of 3 folds gave a weighted F1
of 0.828 and 0.810 (macro 0.829 and 0.812; November 2026). Rasa draws the folds afresh
on every run (its StratifiedKFold has no seed), so the margin, 0.05 under the lower run,
covers the spread between runs.
`make test-bot` runs it. Standard library only.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Dict, List

FLOOR = 0.76
AVERAGES = ("weighted avg", "macro avg")


def intent_f1(report_path: Path) -> Dict[str, float]:
    """``{"weighted avg": f1, "macro avg": f1}`` from a `rasa test nlu` intent report."""
    report = json.loads(report_path.read_text(encoding="utf-8"))
    return {average: float(report[average]["f1-score"]) for average in AVERAGES}


def below_floor(scores: Dict[str, float], floor: float) -> List[str]:
    """The averages under the floor, each said with its value."""
    return [f"{average} intent F1 {score:.3f} < {floor:.3f}" for average, score in scores.items() if score < floor]


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="intent_report.json written by rasa test nlu")
    parser.add_argument("--floor", type=float, default=FLOOR, help=f"lowest F1 accepted (default {FLOOR})")
    args = parser.parse_args(argv)
    scores = intent_f1(args.report)
    failures = below_floor(scores, args.floor)
    for average, score in scores.items():
        print(f"{average} intent F1: {score:.3f} (floor {args.floor:.3f})")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
