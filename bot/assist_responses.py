"""Write the bot's response to each intent, per language, for agent assist.

Run as a step of training (``make model``)::

    .venv-rasa/bin/python -m bot.assist_responses models/assist-responses.json

The API suggests these texts to call-centre agents; it reads this file and never the
bot's sources. An intent that a plain rule (``intent`` then ``action``, no condition)
answers gets that response's conditional variations on the ``language`` slot; a form
gets the question for its first slot; intents routed to the knowledge action are
listed apart, since their answer comes from the index.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Dict, List

import yaml

BOT_DIR = Path(__file__).resolve().parent
# The action that answers from the index; intents routed to it get knowledge suggestions.
KNOWLEDGE_ACTION = "action_answer_question"


def _domain_files(bot_dir: Path) -> List[Dict[str, Any]]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) or {} for path in sorted((bot_dir / "domain").glob("*.yml"))]


def response_texts(bot_dir: Path = BOT_DIR) -> Dict[str, Dict[str, str]]:
    """``{response: {language: text}}``: every domain response's text in each language, as
    written (the ones the actions name keep their ``{placeholders}``)."""
    return {
        name: _texts_by_language(variations)
        for domain in _domain_files(bot_dir)
        for name, variations in (domain.get("responses") or {}).items()
    }


def assist_responses(bot_dir: Path = BOT_DIR) -> Dict[str, Any]:
    """``{"by_intent": {intent: {language: text}}, "knowledge_intents": [intent, ...]}``."""
    responses = response_texts(bot_dir)
    forms: Dict[str, List[str]] = {
        name: list((form or {}).get("required_slots") or [])
        for domain in _domain_files(bot_dir)
        for name, form in (domain.get("forms") or {}).items()
    }
    by_intent: Dict[str, Dict[str, str]] = {}
    knowledge_intents: set = set()
    for path in sorted((bot_dir / "data" / "rules").glob("*.yml")):
        for rule in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules") or []:
            steps = rule.get("steps") or []
            if rule.get("condition") or len(steps) < 2:
                continue  # rules inside a form answer differently
            intent, action = steps[0].get("intent"), steps[1].get("action")
            if not intent or not action:
                continue
            if action == KNOWLEDGE_ACTION:
                knowledge_intents.add(intent)
                continue
            if forms.get(action):
                # A form starts by asking for its first slot.
                action = f"utter_ask_{forms[action][0]}"
            if responses.get(action):
                by_intent.setdefault(intent, responses[action])
    return {"by_intent": by_intent, "knowledge_intents": sorted(knowledge_intents)}


def _texts_by_language(variations: List[Dict[str, Any]]) -> Dict[str, str]:
    texts: Dict[str, str] = {}
    for variation in variations or []:
        for condition in variation.get("condition") or []:
            if condition.get("type") == "slot" and condition.get("name") == "language":
                if isinstance(variation.get("text"), str):
                    texts[condition.get("value")] = variation["text"].strip()
    return texts


def main(argv: List[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m bot.assist_responses OUTPUT.json", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(assist_responses(), ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(out)  # the API may be reading the old one
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
