"""What citizens receive: every question of the answer-level sets sent to POST /api/chat.

    PYTHONPATH=. .venv/bin/python bench/eval_answers.py [--set dev|heldout|offtopic ...]
        [--url http://127.0.0.1:8000] [--json results.jsonl] [--misses] [--concurrency 2]

Without ``--url`` the script starts the real stack from the Procfile (``stack``), reading
the index in INDEX_DIR and the model in models/, exactly as ``make run`` does; with it, it
talks to a running one (whose rate limits must let the set through).

Each question of ``bench/data/answers`` (see its README) is asked in each of its language
forms, each form in a new conversation, and the reply is classified:

- **right**: a knowledge answer (with sources) whose text carries every expected fact,
  after normalising digits, diacritics and thousands separators;
- **wrong**: a knowledge answer with sources that lacks a fact;
- **refused**: no answer, with the offer of an agent (the knowledge search's refusal);
- **misrouted**: another flow took the question: the case form, a handoff ticket, the
  out-of-scope reply, a greeting...

Off-topic questions must be refused: a knowledge answer to one counts as wrong.
Besides the classes, the report gives the share of knowledge answers in the citizen's
language and citing an expected passage. The last line is exactly
``right=<x> wrong=<y> refused=<z> misrouted=<n> offtopic_refused=<r>`` over the sets run.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import uuid
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = REPO_ROOT / "bench" / "data" / "answers"
SETS = {
    "dev": ["dev-seeds.jsonl", "dev-statutes.jsonl"],
    "heldout": ["heldout.jsonl"],
    "offtopic": ["offtopic.jsonl"],
}
FORMS = ("en", "fr", "ar", "darija", "arabizi")
# The reply language each form should get (Darija gets an MSA reply).
REPLY_LANGUAGE = {"en": "en", "fr": "fr", "ar": "ar", "darija": "ar", "arabizi": "ar"}
CLASSES = ("right", "wrong", "refused", "misrouted")
AGENT_PAYLOAD = "/request_human"

sys.path.insert(0, str(REPO_ROOT))
from knowledge.factcheck import carries_facts  # noqa: E402
from knowledge.limiters import is_card  # noqa: E402

@dataclass
class Outcome:
    """One reply, classified."""

    id: str
    set: str
    form: str
    source_kind: str
    question: str
    verdict: str  # one of CLASSES
    reply_language: str
    in_language: bool
    right_source: bool
    text: str
    sources: list[dict[str, Any]]
    why: str = ""


def classify(reply: dict[str, Any], facts: list[list[str]]) -> tuple[str, str]:
    """The class of a ``ChatReply`` (as JSON) and why.

    Sources make it a knowledge answer (right or wrong by the facts; an off-topic item has
    no facts, so any answer to it is wrong); a ticket, a case-form question or any other
    reply without the offer of an agent is a misroute; the offer of an agent with no
    sources is the knowledge search's refusal.
    """
    messages = reply.get("messages") or []
    sources = [s for m in messages for s in (m.get("sources") or [])]
    text = "\n".join(m.get("text") or "" for m in messages)
    if sources:
        if not facts:
            return "wrong", "answered an off-topic question"
        return ("right", "") if carries_facts(text, facts) else ("wrong", "fact missing")
    if any(m.get("handoff") for m in messages):
        return "misrouted", "opened a handoff ticket"
    payloads = [b.get("payload") for m in messages for b in (m.get("buttons") or [])]
    if AGENT_PAYLOAD in payloads:
        return "refused", ""
    if "LAB-" in text:
        return "misrouted", "started the case form"
    return "misrouted", "another flow answered"


def source_matches(sources: list[dict[str, Any]], expected: list[dict[str, Any]]) -> bool:
    """A cited source is an expected passage (a seed is matched by its file, a statute by
    its id and article), or an authored card (``cards/...``) citing the expected article."""
    for source in sources:
        doc_id, ref = str(source.get("doc_id") or ""), str(source.get("ref") or "")
        for want in expected:
            want_id, want_ref = str(want["doc_id"]), str(want.get("ref") or "")
            if want_id.startswith("seed:") and want_id.removeprefix("seed:") in doc_id:
                return True
            if doc_id == want_id and ref == want_ref:
                return True
            if is_card(source) and want_ref and ref == want_ref:
                return True
    return False


def load_items(set_name: str) -> list[dict[str, Any]]:
    items = []
    for name in SETS[set_name]:
        path = DATA / name
        items += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return items


def questions(set_name: str) -> Iterable[tuple[dict[str, Any], str, str]]:
    for item in load_items(set_name):
        for form in FORMS:
            if item["forms"].get(form):
                yield item, form, item["forms"][form]


async def ask(client: httpx.AsyncClient, url: str, set_name: str, item: dict, form: str, question: str) -> Outcome:
    sender = f"eval-{uuid.uuid4().hex[:12]}"
    response = await client.post(f"{url}/api/chat", json={"sender": sender, "message": question})
    if response.status_code != 200:
        raise RuntimeError(f"{item['id']} [{form}]: HTTP {response.status_code} {response.text[:200]}")
    reply = response.json()
    verdict, why = classify(reply, item["facts"])
    sources = [s for m in reply["messages"] for s in (m.get("sources") or [])]
    return Outcome(
        id=item["id"], set=set_name, form=form, source_kind=item["source_kind"], question=question,
        verdict=verdict, reply_language=reply.get("language", ""),
        in_language=reply.get("language") == REPLY_LANGUAGE[form],
        right_source=source_matches(sources, item["expected"]),
        text="\n".join(m.get("text") or "" for m in reply["messages"]), sources=sources, why=why,
    )


async def run_sets(url: str, set_names: list[str], concurrency: int) -> list[Outcome]:
    work = [(s, item, form, q) for s in set_names for item, form, q in questions(s)]
    semaphore = asyncio.Semaphore(concurrency)
    done = 0
    try:
        from tqdm import tqdm
        bar = tqdm(total=len(work), unit="q", desc="asking", file=sys.stderr)
    except ImportError:  # the progress bar is a nicety
        bar = None

    async with httpx.AsyncClient(timeout=120) as client:
        async def one(args):
            nonlocal done
            async with semaphore:
                outcome = await ask(client, url, *args)
            done += 1
            if bar:
                bar.update(1)
            return outcome

        outcomes = await asyncio.gather(*(one(args) for args in work))
    if bar:
        bar.close()
    return list(outcomes)


def share(counter: Counter, key: str) -> str:
    total = sum(counter.values())
    return f"{counter[key] / total:.2f}" if total else "-"


def report(outcomes: list[Outcome]) -> str:
    lines = []
    for set_name in dict.fromkeys(o.set for o in outcomes):
        rows = [o for o in outcomes if o.set == set_name]
        lines.append(f"\n== {set_name}: {len(rows)} questions ({len({o.id for o in rows})} distinct)")
        header = f"{'group':<22}{'n':>5}" + "".join(f"{c:>11}" for c in CLASSES) + f"{'in lang':>9}{'source':>8}"
        lines.append(header)
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for o in rows:
            groups[f"form {o.form}"].append(o)
            groups[f"kind {o.source_kind}"].append(o)
            groups["all"].append(o)
        order = [f"form {f}" for f in FORMS] + sorted(k for k in groups if k.startswith("kind")) + ["all"]
        for key in order:
            if key not in groups:
                continue
            group = groups[key]
            counts = Counter(o.verdict for o in group)
            answered = [o for o in group if o.verdict in ("right", "wrong")]
            in_lang = f"{sum(o.in_language for o in answered) / len(answered):.2f}" if answered else "-"
            src = f"{sum(o.right_source for o in answered) / len(answered):.2f}" if answered else "-"
            lines.append(
                f"{key:<22}{len(group):>5}" + "".join(f"{share(counts, c):>11}" for c in CLASSES) + f"{in_lang:>9}{src:>8}"
            )
        reasons = Counter(o.why for o in rows if o.verdict == "misrouted")
        if reasons:
            lines.append("misrouted: " + ", ".join(f"{why} {n}" for why, n in reasons.most_common()))
    return "\n".join(lines)


def summary(outcomes: list[Outcome]) -> str:
    on_topic = Counter(o.verdict for o in outcomes if o.set != "offtopic")
    off = Counter(o.verdict for o in outcomes if o.set == "offtopic")
    return (
        f"right={share(on_topic, 'right')} wrong={share(on_topic, 'wrong')} refused={share(on_topic, 'refused')} "
        f"misrouted={share(on_topic, 'misrouted')} offtopic_refused={share(off, 'refused')}"
    )


def start_stack():
    """The stack of ``make run`` on free ports, with rate limits that let a whole set through."""
    from stack.processes import Stack

    workdir = Path(tempfile.mkdtemp(prefix="eval-answers-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'cases.db'}",
        "RATE_LIMIT_PER_MINUTE": "100000",
        "RATE_LIMIT_PER_IP_PER_MINUTE": "100000",
    }
    for name in ("TRACKER_STORE_URL", "LOCK_STORE_URL"):
        env.pop(name, None)
    stack = Stack.from_procfile(workdir, env)
    stack.start()
    stack.wait_until_healthy()
    return stack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", dest="sets", action="append", choices=sorted(SETS), help="default: all")
    parser.add_argument("--url", help="a running API (default: start the stack)")
    parser.add_argument("--json", type=Path, help="write every outcome to this JSON-lines file")
    parser.add_argument("--misses", action="store_true", help="print every reply that is not right (dev only)")
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args(argv)
    set_names = args.sets or list(SETS)

    stack = None if args.url else start_stack()
    try:
        url = args.url or stack.api_url
        outcomes = asyncio.run(run_sets(url, set_names, args.concurrency))
    finally:
        if stack is not None:
            stack.stop()
    if args.json:
        args.json.write_text("".join(json.dumps(asdict(o), ensure_ascii=False) + "\n" for o in outcomes), encoding="utf-8")
    if args.misses:
        for o in outcomes:
            # the held-out set is never read while tuning
            if o.set != "heldout" and o.verdict != ("refused" if o.set == "offtopic" else "right"):
                print(f"\n[{o.verdict}: {o.why}] {o.id} {o.form}: {o.question}\n  -> {o.text[:300]!r} {[(s.get('doc_id'), s.get('ref')) for s in o.sources]}")
    print(report(outcomes))
    print(summary(outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
