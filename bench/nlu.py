"""Intent F1 per language, by cross-validation over the bot's own NLU data.

    PYTHONPATH=. .venv-rasa/bin/python bench/nlu.py [--folds 3] [--json] [--errors]

Runs in .venv-rasa (it trains Rasa NLU models). The examples of bot/data/nlu are
split into stratified folds (fixed seed); for each fold an NLU model is trained with
config.yml on the other folds and parses the held-out examples. Each example is put
in a language group by languages.identify (Arabic split by script: Arabic letters, which
covers MSA and Darija, or Latin letters, i.e. Arabizi; "unsure" when langid is not
confident, e.g. "ok" or a bare case number). The report gives the weighted and macro
intent F1 per group and overall, and the time each fold took to train. The predicted
intent is the one the bot acts on, so `nlu_fallback` (FallbackClassifier) counts as
a wrong intent. Three folds take 3 to 6 minutes on two cores.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Optional

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # Rasa logs every parsed message at DEBUG

from rasa.core.agent import Agent  # noqa: E402
from rasa.model_training import train_nlu  # noqa: E402
from rasa.shared.nlu.training_data.loading import load_data  # noqa: E402
from rasa.shared.nlu.training_data.training_data import TrainingData  # noqa: E402
from rasa.utils.common import configure_logging_and_warnings  # noqa: E402
from rasa.utils.log_utils import configure_structlog  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from languages import writing_form  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED = 42
GROUPS = ("en", "fr", "ar (Arabic script)", "ar (Latin script)", "unsure")


def folds(data: TrainingData, n: int):
    """Stratified by intent, like `rasa test nlu --cross-validation`, but reproducible."""
    examples = data.intent_examples
    labels = [example.get("intent") for example in examples]
    splitter = StratifiedKFold(n_splits=n, shuffle=True, random_state=SEED)
    for train_index, test_index in splitter.split(examples, labels):
        train = TrainingData(
            training_examples=[examples[i] for i in train_index],
            entity_synonyms=data.entity_synonyms,
            regex_features=data.regex_features,
            lookup_tables=data.lookup_tables,
        )
        yield train, [examples[i] for i in test_index]


async def _parse_all(model_path: str, texts: List[str]) -> List[str]:
    agent = Agent.load(model_path)
    return [(await agent.parse_message(text))["intent"]["name"] for text in texts]


def cross_validate(config: Path, data_dir: Path, n_folds: int) -> Dict:
    data = load_data(str(data_dir))
    rows, train_seconds = [], []
    with tempfile.TemporaryDirectory(prefix="nlu-bench-") as work:
        for index, (train, test) in enumerate(folds(data, n_folds)):
            train_file = Path(work) / f"fold{index}.yml"
            train_file.write_text(train.nlu_as_yaml(), encoding="utf-8")
            start = time.perf_counter()
            with contextlib.redirect_stdout(sys.stderr):  # keep stdout for the report
                model = train_nlu(str(config), str(train_file), str(Path(work) / "models"),
                                  fixed_model_name=f"fold{index}")
            train_seconds.append(time.perf_counter() - start)
            if model is None:
                raise RuntimeError(f"training fold {index} failed")
            texts = [example.get("text") for example in test]
            predicted = asyncio.run(_parse_all(model, texts))
            for example, guess in zip(test, predicted):
                rows.append({"text": example.get("text"), "intent": example.get("intent"),
                             "predicted": guess, "group": writing_form(example.get("text"))})
            print(f"fold {index + 1}/{n_folds}: trained in {train_seconds[-1]:.0f} s, "
                  f"{len(test)} examples parsed", file=sys.stderr)
    return {"rows": rows, "train_seconds": train_seconds}


def scores(rows: List[Dict]) -> Dict[str, float]:
    truth = [row["intent"] for row in rows]
    predicted = [row["predicted"] for row in rows]
    labels = sorted(set(truth))
    return {
        "n": len(rows),
        "f1_weighted": f1_score(truth, predicted, labels=labels, average="weighted", zero_division=0),
        "f1_macro": f1_score(truth, predicted, labels=labels, average="macro", zero_division=0),
        "accuracy": sum(t == p for t, p in zip(truth, predicted)) / len(rows),
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--config", type=Path, default=REPO_ROOT / "config.yml")
    parser.add_argument("--data", type=Path, default=REPO_ROOT / "bot" / "data" / "nlu")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--errors", action="store_true", help="list the misclassified examples")
    args = parser.parse_args(argv)
    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)

    result = cross_validate(args.config, args.data, args.folds)
    rows = result["rows"]
    by_group = defaultdict(list)
    for row in rows:
        by_group[row["group"]].append(row)
    report = {group: scores(by_group[group]) for group in GROUPS if by_group[group]}
    report["overall"] = scores(rows)
    by_intent_group = defaultdict(lambda: defaultdict(list))
    for row in rows:
        by_intent_group[row["intent"]][row["group"]].append(row["intent"] == row["predicted"])

    if args.json:
        print(json.dumps({"folds": args.folds, "train_seconds": result["train_seconds"],
                          "groups": report,
                          "errors": [r for r in rows if r["intent"] != r["predicted"]]},
                         ensure_ascii=False, indent=2))
        return 0

    print(f"{args.folds}-fold cross-validation, {len(rows)} examples; training time per fold: "
          + ", ".join(f"{s:.0f} s" for s in result["train_seconds"]) + "\n")
    print("| language group | examples | intent F1 (weighted) | intent F1 (macro) | accuracy |")
    print("|---|---|---|---|---|")
    for group, score in report.items():
        print(f"| {group} | {score['n']} | {score['f1_weighted']:.3f} | {score['f1_macro']:.3f} "
              f"| {score['accuracy']:.3f} |")
    groups = [g for g in GROUPS if by_group[g]]
    print("\naccuracy per intent and group (right/examples):\n")
    print("| intent | " + " | ".join(groups) + " |")
    print("|---|" + "---|" * len(groups))
    for intent in sorted(by_intent_group):
        cells = []
        for group in groups:
            hits = by_intent_group[intent][group]
            cells.append(f"{sum(hits)}/{len(hits)}" if hits else "-")
        print(f"| {intent} | " + " | ".join(cells) + " |")
    if args.errors:
        print()
        for row in rows:
            if row["intent"] != row["predicted"]:
                print(f"  [{row['group']}] {row['intent']} -> {row['predicted']}: {row['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
