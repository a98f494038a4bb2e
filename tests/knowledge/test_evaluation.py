import json

from knowledge.evaluation import DEVSET, first_hit, format_table, hit_key, load_questions, tune_threshold


def test_devset_is_the_frozen_one():
    questions = load_questions(DEVSET)
    assert len(questions) == 128 and {q["language"] for q in questions} == {"en", "fr", "ar", "darija"}


def test_hits_match_doc_and_ref_seeds_by_file_and_never_cards():
    expected = [{"doc_id": "ma-adala-labor-428", "ref": "231"}, {"doc_id": "seed:001_x", "ref": None}]
    assert hit_key("corpus/seeds/001_x", "") == ("seed:001_x", None)
    assert first_hit([("cards/en/annual-leave", "231"), ("ma-adala-labor-428", "231")], expected) == 2
    assert first_hit([("ma-adala-labor-428", "232"), ("corpus/seeds/001_x", "")], expected) == 2
    assert first_hit([("ma-adala-labor-428", "232")], expected) is None


def test_threshold_separates_right_from_wrong_answers():
    decisions = [(0.9, True), (0.8, True), (0.6, False), (0.4, False), (0.7, True)]
    best = tune_threshold(decisions)
    assert 0.6 < best["threshold"] <= 0.7 and best["accuracy"] == 1.0 and best["wrong_answer_rate"] == 0.0


def test_table_lists_every_group_and_system():
    row = {"n": 2, "hit@1": 0.5, "hit@5": 1.0, "mrr": 0.75}
    scores = {s: {g: row for g in ("en", "all")} for s in ("pipeline", "bm25", "dense")}
    table = format_table(scores)
    assert "en" in table and table.count("0.50 / 1.00 / 0.75") == 6
    json.dumps(scores)


def test_heldout_set_is_balanced_cross_lingual_and_new():
    from knowledge.evaluation import HELDOUT, question_set_path

    assert question_set_path("heldout") == HELDOUT and question_set_path("dev") == DEVSET
    heldout = load_questions(HELDOUT)
    per_language = {lang: sum(q["language"] == lang for q in heldout) for lang in ("en", "fr", "ar", "darija")}
    assert len(heldout) >= 48 and min(per_language.values()) >= 12, per_language
    assert sum(q["cross_lingual"] for q in heldout) * 2 >= len(heldout)
    assert all(q["expected"] and q["topic"] for q in heldout)
    dev_questions = {q["question"] for q in load_questions(DEVSET)}
    assert not dev_questions & {q["question"] for q in heldout}


def test_eval_rejects_an_unknown_question_set(capsys):
    from knowledge.__main__ import main

    assert main(["eval", "--set", "no-such-set"]) == 2
    assert "no question set 'no-such-set'" in capsys.readouterr().err


def test_eval_lists_the_pipelines_misses(built_index, tmp_path, monkeypatch, capsys):
    import json

    from knowledge.__main__ import main

    settings, _ = built_index
    monkeypatch.setenv("INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("KNOWLEDGE_SOURCES", "")
    questions = tmp_path / "two.jsonl"
    rows = [
        # a card is never a hit, and a cards-only index holds no statute: always a miss
        {"id": "m1", "language": "en", "question": "How many days of paid annual leave?", "expected": [{"doc_id": "ma-adala-labor-428", "ref": "231"}]},
        {"id": "m2", "language": "fr", "question": "Durée du congé de maternité ?", "expected": [{"doc_id": "ma-adala-labor-428", "ref": "152"}]},
    ]
    questions.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert main(["eval", "--set", str(questions), "--json", "--misses"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [m["id"] for m in report["misses"]] == ["m1", "m2"]
    assert all(m["rank"] is None and m["got"] and all(g.startswith("cards/") for g in m["got"]) for m in report["misses"])
    assert main(["eval", "--set", str(questions), "--misses"]) == 0
    text = capsys.readouterr().out
    assert "misses of the pipeline (no expected passage in the first 5): 2" in text and "m2 [fr] not in the first 10" in text
    assert main(["eval", "--set", str(questions), "--json"]) == 0
    assert "misses" not in json.loads(capsys.readouterr().out)
