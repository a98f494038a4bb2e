"""The answer-level evaluation's classification of replies, and its frozen sets' shape."""
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from eval_answers import DATA, FORMS, SETS, classify, load_items, source_matches  # noqa: E402

FACTS = [["14", "أربعة عشر", "quatorze", "fourteen"]]
SOURCE = {"doc_id": "ma-adala-labor-428", "title": "Code", "ref": "152", "url": ""}


def reply(*messages):
    return {"sender": "s", "language": "en", "messages": list(messages)}


def test_an_answer_with_sources_is_right_only_when_it_carries_the_fact():
    assert classify(reply({"text": "Maternity leave lasts 14 weeks.", "sources": [SOURCE]}), FACTS)[0] == "right"
    assert classify(reply({"text": "تستفيد الأجيرة من أربعة عشر أسبوعا", "sources": [SOURCE]}), FACTS)[0] == "right"
    assert classify(reply({"text": "Maternity leave lasts 140 days.", "sources": [SOURCE]}), FACTS)[0] == "wrong"
    # an off-topic question has no fact: any answer to it is wrong
    assert classify(reply({"text": "Sunny.", "sources": [SOURCE]}), [])[0] == "wrong"


def test_the_offer_of_an_agent_is_a_refusal_and_other_flows_are_misroutes():
    refusal = {"text": "No reliable answer.", "buttons": [{"title": "Agent", "payload": "/request_human"}]}
    assert classify(reply(refusal), FACTS)[0] == "refused"
    assert classify(reply({"text": "Ticket HT-1", "handoff": {"ticket": "HT-1"}}), FACTS) == ("misrouted", "opened a handoff ticket")
    assert classify(reply({"text": "What is your case number? LAB-2025-000123"}), FACTS) == ("misrouted", "started the case form")
    assert classify(reply({"text": "Hello! How can I help?"}), FACTS)[0] == "misrouted"


def test_sources_match_by_article_seed_file_or_a_card_citing_the_article():
    expected = [{"doc_id": "ma-adala-labor-428", "ref": "152"}]
    assert source_matches([SOURCE], expected)
    assert source_matches([{"doc_id": "cards/en/maternity-leave", "ref": "152"}], expected)
    assert not source_matches([{"doc_id": "ma-adala-labor-428", "ref": "153"}], expected)
    seed = [{"doc_id": "seed:003_293f6ca8e557d9f9", "ref": None}]
    assert source_matches([{"doc_id": "corpus/seeds/003_293f6ca8e557d9f9", "ref": ""}], seed)


@pytest.mark.parametrize("set_name", sorted(SETS))
def test_the_frozen_sets_are_well_formed(set_name):
    items = load_items(set_name)
    assert len({i["id"] for i in items}) == len(items)
    for item in items:
        forms = [f for f in FORMS if item["forms"].get(f)]
        assert len(forms) >= 4, item["id"]
        assert set(item["forms"]) <= set(FORMS), item["id"]
        if set_name == "offtopic":
            assert item["facts"] == [] and item["expected"] == []
        else:
            assert item["facts"] and all(fact for fact in item["facts"]), item["id"]
            assert item["expected"], item["id"]


def test_the_sets_are_large_enough():
    dev = load_items("dev")
    heldout = load_items("heldout")
    assert len(dev) >= 100 and sum(len(i["forms"]) for i in dev) >= 400
    assert len(heldout) >= 30 and sum(len(i["forms"]) for i in heldout) >= 120
    # the held-out questions ask for other facts than the dev questions
    dev_keys = {(json.dumps(i["expected"], sort_keys=True), json.dumps(i["facts"], ensure_ascii=False)) for i in dev}
    assert not any((json.dumps(i["expected"], sort_keys=True), json.dumps(i["facts"], ensure_ascii=False)) in dev_keys for i in heldout)
    assert DATA.is_dir()
