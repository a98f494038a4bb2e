import json
import os
import subprocess
import sys

import pytest

from knowledge.settings import REPO_ROOT

QUESTIONS = [
    ("How many days of paid annual leave do I get?", "cards/en/annual-leave", "en"),
    ("What is the minimum wage per hour?", "cards/en/minimum-wage", "en"),
    ("Quelle est la durée du congé de maternité ?", "cards/fr/conge-de-maternite", "fr"),
    ("Combien d'heures de travail par semaine ?", "cards/fr/duree-du-travail", "fr"),
    ("ما هو الحد الأدنى للأجر", "cards/ar/al-hadd-al-adna-lil-ajr", "ar"),
    ("كيف أقدم شكاية لدى مفتشية الشغل؟", "cards/ar/taftish-ash-shughl-wa-ash-shikaya", "ar"),
]


@pytest.mark.parametrize("question,doc_id,language", QUESTIONS)
def test_search_finds_the_right_card(knowledge_base, question, doc_id, language):
    passages = knowledge_base.search(question, top_k=3)
    assert passages, question
    assert doc_id in [p.doc_id for p in passages], [(p.doc_id, p.score) for p in passages]
    best = next(p for p in passages if p.doc_id == doc_id)
    assert best.language == language
    assert best.title and best.url.startswith("https://")


def test_passage_fields_and_order(knowledge_base):
    passages = knowledge_base.search("SMIG", top_k=5)
    assert 0 < len(passages) <= 5
    scores = [p.score for p in passages]
    assert scores == sorted(scores, reverse=True)
    assert set(passages[0].to_dict()) >= {"content", "score", "language", "doc_id", "title", "ref", "url"}


def test_one_passage_asked_gives_one_with_the_same_confidence(knowledge_base):
    one, five = knowledge_base.run("SMIG", top_k=1), knowledge_base.run("SMIG", top_k=5)
    assert len(one.passages) == 1 and one.passages[0].doc_id == five.passages[0].doc_id
    assert one.confidence == five.confidence  # the confidence compares the best passage with the next


def test_empty_query(knowledge_base):
    assert knowledge_base.search("   ") == []
    result = knowledge_base.run("🇲🇦🙏 ?!", language="fr")  # nothing to search for
    assert result.passages == [] and result.answer is None and result.confidence == 0.0


def test_cli_search_json(built_index):
    settings, _ = built_index
    env = {"INDEX_DIR": str(settings.index_dir), "PATH": "/usr/bin:/bin", "HOME": str(settings.index_dir.parent)}
    proc = subprocess.run(
        [sys.executable, "-m", "knowledge", "search", "maternity leave weeks", "--top-k", "2", "--json"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert len(result["passages"]) == 2
    assert "cards/en/maternity-leave" in [r["doc_id"] for r in result["passages"]]
    assert 0.0 <= result["confidence"] <= 1.0


def test_load_without_index(tmp_path):
    from knowledge.search import IndexNotFoundError, KnowledgeBase

    with pytest.raises(IndexNotFoundError):
        KnowledgeBase.load(tmp_path)


def test_damaged_index_is_reported_as_such(built_index, tmp_path):
    import shutil

    from knowledge.index import STORE_FILE
    from knowledge.search import IndexUnreadableError, KnowledgeBase

    settings, _ = built_index
    damaged = tmp_path / "index"
    shutil.copytree(settings.index_dir, damaged)
    text = (damaged / STORE_FILE).read_text(encoding="utf-8")
    (damaged / STORE_FILE).write_text(text[: len(text) // 2], encoding="utf-8")  # a half-copied file
    with pytest.raises(IndexUnreadableError, match="cannot be read.*build it again"):
        KnowledgeBase.load(damaged)

    env = {**os.environ, "INDEX_DIR": str(damaged)}
    proc = subprocess.run(
        [sys.executable, "-m", "knowledge", "search", "smig"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2
    assert "cannot be read" in proc.stderr and "Traceback" not in proc.stderr


def test_answer_is_extracted_and_cited(knowledge_base):
    result = knowledge_base.run("Quel est l'âge de la retraite ?", language="fr")
    assert result.answer is not None, result.confidence
    assert result.answer.same_language and result.answer.language == "fr"
    assert result.answer.sources[0]["doc_id"] == "cards/fr/age-de-la-retraite"
    assert result.answer.text and len(result.answer.text) < len(result.answer.passage.content) + 1


def test_off_topic_question_gets_no_answer(knowledge_base):
    result = knowledge_base.run("Can you give me a good recipe for chicken tagine with olives?", language="en")
    assert result.answer is None and result.confidence < knowledge_base.min_confidence
