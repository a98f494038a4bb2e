"""The fit of the passage and answer models: labels, the coverage curve and the threshold."""
import numpy as np

from knowledge.fitting import FOLDS, Question, _fold_fits, _fold_models, choose_threshold, coverage_curve, dev_questions, passage_label
from knowledge.scoring import PASSAGE_FEATURES


def test_a_statute_passage_answers_when_it_is_the_expected_article():
    question = Question("q", "x", "en", [{"doc_id": "ma-adala-labor-428", "ref": "231"}], [["18"]])
    assert passage_label({"doc_id": "ma-adala-labor-428", "ref": "231"}, "...", question) == 1
    assert passage_label({"doc_id": "ma-adala-labor-428", "ref": "232"}, "...", question) == 0


def test_a_seed_passage_answers_when_it_is_from_the_seed_and_holds_the_facts():
    question = Question("q", "x", "fr", [{"doc_id": "seed:003_abc", "ref": None}], [["3892668"]])
    meta = {"doc_id": "corpus/seeds/003_abc"}
    assert passage_label(meta, "Plus de 3.892.668 salariés", question) == 1
    assert passage_label(meta, "Un autre article du même texte", question) == 0


def test_a_card_answers_when_it_holds_every_fact_and_is_unlabelled_without_facts():
    card = {"doc_id": "cards/en/annual-leave", "ref": "231"}
    with_facts = Question("q", "x", "en", [{"doc_id": "ma-adala-labor-428", "ref": "231"}], [["1.5", "one and a half"]])
    assert passage_label(card, "one and a half days per month", with_facts) == 1
    assert passage_label(card, "leave is paid", with_facts) == 0
    retrieval_only = Question("q", "x", "en", [{"doc_id": "ma-adala-labor-428", "ref": "231"}], None)
    assert passage_label(card, "one and a half days", retrieval_only) is None


def test_the_threshold_is_the_lowest_that_keeps_wrong_answers_within_the_limit():
    probabilities = np.array([0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1])
    labels = np.array([1, 1, 1, 0, 1, 0, 0, 0])
    curve = coverage_curve(probabilities, labels)
    at = {round(p["threshold"], 3): p for p in curve}
    assert at[0.65] == {"threshold": 0.65, "answered": 0.375, "right": 0.375, "wrong": 0.0}
    assert at[0.5]["wrong"] == 0.125
    assert choose_threshold(curve, max_wrong=0.0) == 0.61  # the first step above the wrong answer at 0.6
    assert choose_threshold(curve, max_wrong=0.2) < 0.5


def test_each_question_is_ranked_for_the_answer_fit_by_a_passage_model_that_never_saw_it():
    # one signal per question group, set only on its own rows, which it predicts perfectly:
    # a model that saw the group weighs its signal; a model fitted without it cannot
    groups = np.repeat([f"q{i}" for i in range(FOLDS)], 20)
    x = np.zeros((len(groups), len(PASSAGE_FEATURES)))
    y = np.tile([1, 0], len(groups) // 2)
    for i in range(FOLDS):
        x[groups == f"q{i}", i] = y[groups == f"q{i}"]
    models = _fold_models(groups, _fold_fits(x, y, groups, c=1.0))
    assert set(models) == {f"q{i}" for i in range(FOLDS)}
    for i in range(FOLDS):
        weights = models[f"q{i}"].weights
        assert weights[PASSAGE_FEATURES[i]] == 0.0
        assert all(weights[PASSAGE_FEATURES[j]] > 1.0 for j in range(FOLDS) if j != i)


def test_the_fit_reads_only_dev_sets():
    questions = dev_questions()
    groups = {q.group for q in questions}
    assert not any(g.startswith("h") for g in groups), "the held-out sets are never fitted on"
    assert any(g.startswith("dl") for g in groups) and any(g.startswith("ds") for g in groups)
    assert any(q.facts == [] and q.expected == [] for q in questions)  # off-topic: nothing answers
