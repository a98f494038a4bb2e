"""scripts/intent_f1_floor.py on the intent report `rasa test nlu --cross-validation` writes."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "intent_f1_floor.py"


def report(tmp_path, weighted, macro):
    """An intent report in the shape Rasa 3.6 writes it (sklearn's classification report)."""
    path = tmp_path / "intent_report.json"
    path.write_text(json.dumps({
        "greet": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 10, "confused_with": {}},
        "accuracy": weighted,
        "macro avg": {"precision": macro, "recall": macro, "f1-score": macro, "support": 10},
        "weighted avg": {"precision": weighted, "recall": weighted, "f1-score": weighted, "support": 10},
    }))
    return path


def check(path, *args):
    return subprocess.run([sys.executable, str(SCRIPT), str(path), *args], capture_output=True, text=True)


def test_scores_above_the_floor_pass(tmp_path):
    result = check(report(tmp_path, 0.83, 0.82), "--floor", "0.78")
    assert result.returncode == 0, result.stderr
    assert "weighted avg intent F1: 0.830 (floor 0.780)" in result.stdout


@pytest.mark.parametrize("weighted, macro, failing", [(0.70, 0.90, "weighted avg"), (0.90, 0.70, "macro avg")])
def test_either_average_below_the_floor_fails(tmp_path, weighted, macro, failing):
    result = check(report(tmp_path, weighted, macro), "--floor", "0.78")
    assert result.returncode == 1
    assert f"FAIL: {failing} intent F1 0.700 < 0.780" in result.stderr


def test_the_report_of_a_real_run_is_read(tmp_path):
    """The fields come from Rasa's own report writer, not from a copy of its shape."""
    from rasa.model_testing import get_evaluation_metrics

    report_dict, *_ = get_evaluation_metrics(["greet", "goodbye", "greet", "thank"], ["greet", "goodbye", "goodbye", "thank"],
                                             output_dict=True)
    path = tmp_path / "intent_report.json"
    path.write_text(json.dumps(report_dict))
    assert check(path, "--floor", "0.7").returncode == 0
    assert check(path, "--floor", "0.9").returncode == 1
