"""Concurrent citizens on the whole assistant: latency per turn type, throughput, errors, memory,
and where a turn's CPU goes.

    PYTHONPATH=. .venv/bin/python bench/load.py [--users 5,20,50] [--seconds 60] [--warmup 15]
        [--profile embedded|production] [--tracker-store redis|postgresql] [--rasa-servers N]
        [--py-spy] [--no-floor] [--json]

Starts the real stack from the Procfile (`stack`), reading the index in INDEX_DIR
(default var/index: run `make index` first). The embedded profile (default) is what
`make run` starts: RASA_SERVERS (2) Rasa servers, conversations in their memory, the
store in SQLite. The production profile starts PostgreSQL and Redis from Debian's
packages on loopback and runs the Rasa servers on them (conversations in Redis, or in
PostgreSQL with --tracker-store postgresql); their memory counts in the total.

Each simulated citizen holds short conversations one after the other, with no
think time: a greeting, a labour-law question and a case look-up (three turns:
asking, case number, national id), in English, French, MSA or Darija (Arabic or
Latin script), all through POST /api/chat. The labour-law questions are the answer
dev set's (--questions dev, the default: 815, with the action server's answer cache
off, so that every one runs the query pipeline, as a citizen's own wording does), or
12 written here (--questions fixed: after its first time, each is served by the
cache). A turn is an error when the API does not answer 200 with a non-empty reply,
or when a case look-up does not give the case's status. Each number of users in
--users is a level: after a warm-up, turns are counted for --seconds, on the same
stack.

Then one citizen alone takes every turn type again, and the CPU each process spends
on each turn is read from /proc: milliseconds of CPU per turn type, as a multiple of
the floor, a bare Rasa turn (one intent, one response, no custom component) measured
in the same run. --py-spy samples the Rasa servers during the 20-user level and
ranks where their CPU goes, in milliseconds per turn.

The last line is exactly
`users=20 turns_per_s=<x> p95_ms=<y> errors=<n> knowledge_over_greet_p50=<r> peak_mib=<m>`
for the 20-user level; the targets (issue 16) on the 2-core machine are 0 errors, at
least 40 turns/s, p95 under 800 ms, a knowledge turn's p50 at most 1.3x a greeting's,
and at most 3 GiB for all processes together (4.5 GiB and 4 Rasa servers in production).
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from stack.processes import Process, Stack  # noqa: E402
from stack.services import (  # noqa: E402
    TRACKER_STORES, free_port, listening_pid, postgresql_server, production_environment, redis_server,
)
from eval_answers import questions as answer_questions  # noqa: E402 (bench/, the script's folder)
from timing import percentile  # noqa: E402
from store import DEMO_CASES  # noqa: E402

# What citizens say, in the bot's language forms, written for this bench.
GREETINGS = ["Hello", "Bonjour", "السلام عليكم", "salam labas", "سلام، لاباس؟"]
QUESTIONS = [
    "How many days of paid annual leave does a worker get?",
    "What is the minimum wage in agriculture?",
    "What does the law say about night work for women?",
    "Quelle est la durée du congé de maternité ?",
    "Quel est le salaire minimum dans l'industrie ?",
    "Quelles sont les indemnités en cas de licenciement abusif ?",
    "ما هي مدة العطلة السنوية المؤدى عنها؟",
    "ما هو الحد الأدنى للأجور في الفلاحة؟",
    "ما هي مدة الراحة الأسبوعية للأجراء؟",
    "شحال كيخلص الخدام فالسيمك دابا؟",
    "واش المشغل يقدر يطردني بلا سبب؟",
    "ch7al dyal l3otla 3andi f l3am?",
]


def dev_questions() -> list[str]:
    """--questions dev: every language form of the answer dev set's questions (eval_answers.py),
    asked with the action server's answer cache off: citizens word their questions each their own
    way, so in service the cache seldom serves one, and a knowledge turn pays for the query pipeline."""
    return [question for _, _, question in answer_questions("dev")]


CASE_OPENINGS = [
    "I want to check my case status",
    "Je voudrais suivre mon dossier",
    "أريد معرفة حالة ملفي",
    "بغيت نعرف فين وصل الملف ديالي",
    "bghit n3ref fin wsel dossier dyali",
]
STATUS_WORDS = re.compile(r"LAB-\d{4}-\d{6}")


class ProcessWatch:
    """Peak resident memory and CPU time of each process group (a Rasa server and its
    workers count as one), read from /proc every half second. ``trees`` are counted by
    descent instead (a PostgreSQL backend is a session of its own): a root pid and every
    process under it."""

    CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

    def __init__(self, groups: dict[str, int], trees: dict[str, int] | None = None) -> None:
        self.groups = groups
        self.trees = trees or {}
        self.peak_mib: dict[str, float] = defaultdict(float)
        # The peak of all groups together, at one instant: what the machine must hold.
        self.peak_total_mib = 0.0
        self.cpu_s: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> ProcessWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time used so far by each group's live processes."""
        return {name: cpu for name, (_, cpu) in self._sample().items()}

    def _sample(self) -> dict[str, tuple[float, float]]:
        processes: dict[int, tuple[int, int, int, int]] = {}  # pid -> (group, parent, RSS KiB, ticks)
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                rss = next(line for line in (entry / "status").read_text().splitlines() if line.startswith("VmRSS"))
            except (OSError, StopIteration, IndexError, ValueError):
                continue  # gone, or a kernel thread
            # ppid, pgrp; utime + stime
            processes[int(entry.name)] = (int(fields[2]), int(fields[1]), int(rss.split()[1]), int(fields[11]) + int(fields[12]))
        members: dict[str, list[int]] = {
            name: [pid for pid, (group_id, *_) in processes.items() if group_id == group]
            for name, group in self.groups.items()
        }
        children: dict[int, list[int]] = defaultdict(list)
        for pid, (_, parent, _, _) in processes.items():
            children[parent].append(pid)
        for name, root in self.trees.items():
            tree, todo = [], [root] if root in processes else []
            while todo:
                pid = todo.pop()
                tree.append(pid)
                todo.extend(children.get(pid, ()))
            members[name] = tree
        return {
            name: (sum(processes[p][2] for p in pids) / 1024, sum(processes[p][3] for p in pids) / self.CLOCK_TICKS)
            for name, pids in members.items()
        }

    def reset_peaks(self) -> None:
        self.peak_mib.clear()
        self.peak_total_mib = 0.0

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            sample = self._sample()
            for name, (mib, _) in sample.items():
                self.peak_mib[name] = max(self.peak_mib[name], mib)
            self.peak_total_mib = max(self.peak_total_mib, sum(mib for mib, _ in sample.values()))


class Citizens:
    """N simulated citizens; every turn's (type, latency, ok) is recorded while `counting`."""

    def __init__(self, api_url: str, users: int, on_turn=None, questions: list[str] = QUESTIONS) -> None:
        self.api_url = api_url
        self.users = users
        self.questions = questions
        self.counting = False
        self.turns: list[tuple[str, float, bool, str]] = []
        self._conversations = itertools.count()
        # Called after each counted turn with its type (the solo run's CPU reading).
        self._on_turn = on_turn

    async def run(self, until: float, conversations: int | None = None) -> None:
        limits = httpx.Limits(max_connections=self.users, max_keepalive_connections=self.users)
        async with httpx.AsyncClient(base_url=self.api_url, timeout=60, limits=limits) as http:
            await asyncio.gather(*(self._citizen(http, n, until, conversations) for n in range(self.users)))

    async def _citizen(self, http: httpx.AsyncClient, number: int, until: float, conversations: int | None) -> None:
        rng = random.Random(number)
        held = 0
        while time.monotonic() < until and (conversations is None or held < conversations):
            held += 1
            sender = f"load-{self.users}u-{number}-{next(self._conversations)}"
            case_number, national_id, _, _ = rng.choice(DEMO_CASES)
            script = [("greet", rng.choice(GREETINGS)), ("knowledge", rng.choice(self.questions))]
            script += [("case", rng.choice(CASE_OPENINGS)), ("case", case_number), ("case_status", national_id)]
            for kind, message in script:
                if time.monotonic() >= until:
                    return
                await self._turn(http, sender, kind, message, case_number)

    async def _turn(self, http: httpx.AsyncClient, sender: str, kind: str, message: str, case_number: str) -> None:
        started = time.perf_counter()
        problem = ""
        try:
            response = await http.post("/api/chat", json={"sender": sender, "message": message})
            if response.status_code != 200:
                problem = f"HTTP {response.status_code}: {response.text[:200]}"
            else:
                text = " ".join(m.get("text", "") for m in response.json().get("messages", []))
                if not text.strip():
                    problem = "empty reply"
                elif kind == "case_status" and case_number not in STATUS_WORDS.findall(text):
                    problem = f"no status for {case_number}: {text[:200]}"
        except httpx.HTTPError as error:
            problem = repr(error)
        elapsed_ms = (time.perf_counter() - started) * 1000
        kind = "case" if kind == "case_status" else kind
        if self.counting:
            self.turns.append((kind, elapsed_ms, not problem, problem))
            if self._on_turn is not None:
                self._on_turn(kind)


def level_figures(citizens: Citizens, seconds: float, watch: ProcessWatch, cpu_s: dict[str, float]) -> dict:
    by_kind: dict[str, list[float]] = defaultdict(list)
    for kind, elapsed_ms, _, _ in citizens.turns:
        by_kind[kind].append(elapsed_ms)
    every = [elapsed for _, elapsed, _, _ in citizens.turns]
    errors = [problem for _, _, ok, problem in citizens.turns if not ok]
    figures = {
        "users": citizens.users,
        "seconds": round(seconds, 1),
        "turns": len(every),
        "turns_per_s": round(len(every) / seconds, 2),
        "errors": len(errors),
        "first_errors": errors[:5],
        "latency_ms": {
            kind: {
                "count": len(values),
                "p50": round(percentile(values, 0.50), 1),
                "p95": round(percentile(values, 0.95), 1),
                "p99": round(percentile(values, 0.99), 1),
            }
            for kind, values in sorted(by_kind.items())
        },
        "p95_ms": round(percentile(every, 0.95), 1) if every else None,
        "peak_rss_mib": {name: round(value) for name, value in watch.peak_mib.items()},
        "peak_total_mib": round(watch.peak_total_mib),
        # Share of one core each process used while measured: where the time goes.
        "cpu_cores_used": {name: round(value / seconds, 2) for name, value in cpu_s.items()},
    }
    greet, knowledge = by_kind.get("greet"), by_kind.get("knowledge")
    figures["knowledge_over_greet_p50"] = (
        round(percentile(knowledge, 0.50) / percentile(greet, 0.50), 2) if greet and knowledge else None
    )
    return figures


# --- the floor: a bare Rasa turn -------------------------------------------------------------

FLOOR_DATA = {
    "config.yml": "recipe: default.v1\nassistant_id: floor\nlanguage: en\n"
                  "pipeline:\n  - name: KeywordIntentClassifier\npolicies:\n  - name: RulePolicy\n",
    "domain.yml": 'version: "3.1"\nintents: [greet]\nresponses:\n  utter_greet:\n    - text: "Hello!"\n',
    "data/nlu.yml": 'version: "3.1"\nnlu:\n  - intent: greet\n    examples: |\n      - hello\n      - hi\n',
    "data/rules.yml": 'version: "3.1"\nrules:\n  - rule: greet\n    steps:\n      - intent: greet\n'
                      "      - action: utter_greet\n",
}


def floor_cpu_ms(workdir: Path, turns: int = 200) -> float:
    """CPU milliseconds of one turn on a bare Rasa: one intent (keyword), one rule, one response,
    the REST channel and the in-memory tracker store, started like the Procfile's servers."""
    project = workdir / "floor"
    for name, text in FLOOR_DATA.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    rasa = str(REPO_ROOT / ".venv-rasa" / "bin" / "rasa")
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
           "TF_INTER_OP_PARALLELISM_THREADS": "1", "TF_INTRA_OP_PARALLELISM_THREADS": "1"}
    subprocess.run([rasa, "train", "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
                    "--out", "models", "--fixed-model-name", "floor"], cwd=project, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    server = Process("rasa-floor", [rasa, "run", "--interface", "127.0.0.1", "--port", str(port),
                                    "--model", str(project / "models" / "floor.tar.gz")], env,
                     workdir / "rasa-floor.log")
    server.start()
    try:
        server.wait_for(f"http://127.0.0.1:{port}/")
        url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        with httpx.Client(timeout=30) as http:
            def talk(count: int) -> None:
                for n in range(count):
                    http.post(url, json={"sender": f"floor-{n // 5}", "message": "hello"}).raise_for_status()
            talk(20)  # warm
            watch = ProcessWatch({"floor": server.popen.pid})
            before = watch.cpu_seconds()["floor"]
            talk(turns)
            return (watch.cpu_seconds()["floor"] - before) * 1000 / turns
    finally:
        server.stop()


def solo_cpu_ms(api_url: str, watch: ProcessWatch, questions: list[str], conversations: int = 12) -> dict[str, dict[str, float]]:
    """CPU milliseconds each process spends on one turn of each type, one citizen alone."""
    spent: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    counts: dict[str, int] = defaultdict(int)
    last = [watch.cpu_seconds()]

    def on_turn(kind: str) -> None:
        now = watch.cpu_seconds()
        for name, cpu in now.items():
            spent[kind][name] += cpu - last[0].get(name, 0)
        counts[kind] += 1
        last[0] = now

    citizen = Citizens(api_url, 1, on_turn=on_turn, questions=questions)
    citizen.counting = True
    asyncio.run(citizen.run(until=time.monotonic() + 600, conversations=conversations))
    return {
        kind: {name: round(cpu * 1000 / counts[kind], 1) for name, cpu in by_process.items()}
        for kind, by_process in spent.items()
    }


# --- py-spy: where the Rasa servers' CPU goes --------------------------------------------------

# The first category whose marker is in a sampled stack gets it, so the specific ones come first.
CATEGORIES = [
    ("language detector (languages.py, langdetect)", ("languages.py", "langdetect/")),
    ("intent gate, markup stripper (bot/routing)", ("bot/routing.py",)),
    ("DIET (TensorFlow)", ("diet_classifier.py", "tensorflow/")),
    ("action reply schema check (jsonschema)", ("jsonschema/",)),
    ("featurizers, tokenizer", ("rasa/nlu/featurizers/", "rasa/nlu/tokenizers/")),
    ("other NLU components, graph runner", ("parse_message (rasa/core/processor.py", "_parse_message_with_graph")),
    ("policies", ("predict_next_with_tracker",)),
    ("tracker store", ("tracker_store.py",)),
    ("action calls (HTTP to the action server, forms)", ("rasa/core/actions/",)),
    ("response generator (NLG)", ("rasa/core/nlg/",)),
    ("tracker and events", ("rasa/shared/core/trackers.py", "rasa/shared/core/events.py")),
    ("REST channel, Sanic, JSON, logging", ("rasa/core/channels/", "sanic/", "json/", "logging/")),
]
# A sample whose innermost frame is the event loop's wait, or a pool thread's wait for work, is
# idle, though py-spy counts it.
IDLE = ("serve (sanic/server/runners.py", "select (selectors.py", "_worker (concurrent/futures/thread.py")


def profile_rasa(pids: list[int], seconds: float, workdir: Path) -> list[subprocess.Popen]:
    """Start py-spy on each Rasa server (raw collapsed stacks, idle threads left out)."""
    py_spy = shutil.which("py-spy") or str(REPO_ROOT / ".venv" / "bin" / "py-spy")
    return [
        subprocess.Popen([py_spy, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "100",
                          "--format", "raw", "--nonblocking", "--output", str(workdir / f"py-spy-{pid}.txt")],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for pid in pids
    ]


def profile_breakdown(files: list[Path], rasa_cpu_ms_per_turn: float) -> dict[str, float]:
    """Milliseconds of Rasa CPU per turn in each category: py-spy's shares of the busy samples,
    applied to the CPU the Rasa servers used per turn (from /proc)."""
    samples: dict[str, int] = defaultdict(int)
    for file in files:
        for line in file.read_text(errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if not count.isdigit() or stack.rsplit(";", 1)[-1].startswith(IDLE):
                continue
            category = next((name for name, markers in CATEGORIES if any(m in stack for m in markers)), "other")
            samples[category] += int(count)
    busy = sum(samples.values()) or 1
    ranked = sorted(samples.items(), key=lambda item: -item[1])
    return {name: round(rasa_cpu_ms_per_turn * count / busy, 2) for name, count in ranked}


def print_level(figures: dict) -> None:
    print(f"--- {figures['users']} users: {figures['turns_per_s']} turns/s, p95 {figures['p95_ms']} ms, "
          f"{figures['errors']} errors, knowledge/greet p50 {figures['knowledge_over_greet_p50']}, "
          f"peak {figures['peak_total_mib']} MiB in all")
    for kind, latency in figures["latency_ms"].items():
        print(f"{kind:10} n={latency['count']:5}  p50={latency['p50']:7.1f} ms  "
              f"p95={latency['p95']:7.1f} ms  p99={latency['p99']:7.1f} ms")
    print("peak RSS (MiB): " + ", ".join(f"{k}={v}" for k, v in figures["peak_rss_mib"].items()))
    print("CPU (cores):    " + ", ".join(f"{k}={v}" for k, v in figures["cpu_cores_used"].items()))
    for problem in figures["first_errors"]:
        print(f"error: {problem}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="5,20,50", help="concurrent citizens of each level (default 5,20,50)")
    parser.add_argument("--seconds", type=float, default=60, help="measured duration of each level (default 60)")
    parser.add_argument("--warmup", type=float, default=15, help="unmeasured seconds before each level (default 15)")
    parser.add_argument("--profile", choices=("production", "embedded"), default="embedded")
    parser.add_argument("--tracker-store", choices=TRACKER_STORES, default="redis",
                        help="production profile: where Rasa keeps conversations (default redis)")
    # A Rasa server runs its conversations' CPU work on one event loop, so one server per core.
    parser.add_argument("--rasa-servers", type=int, default=int(os.environ.get("RASA_SERVERS", 2)),
                        help="Rasa servers (default RASA_SERVERS, or 2: what `make run` starts)")
    parser.add_argument("--py-spy", action="store_true", help="sample the Rasa servers during the 20-user level")
    parser.add_argument("--no-floor", action="store_true", help="skip the bare Rasa turn and the solo CPU run")
    parser.add_argument("--questions", choices=("dev", "fixed"), default="dev",
                        help="knowledge questions: the answer dev set's 815 with the answer cache off (default), "
                             "or this script's 12, which the cache serves after their first time")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON before the last line")
    args = parser.parse_args()
    levels = [int(users) for users in args.users.split(",")]
    questions = dev_questions() if args.questions == "dev" else QUESTIONS

    index_dir = Path(os.environ.get("INDEX_DIR", REPO_ROOT / "var" / "index"))
    if not (index_dir / "manifest.json").is_file():
        print(f"no index in {index_dir}: run `make index` first", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="load-bench-"))
    env = {
        **os.environ,
        "INDEX_DIR": str(index_dir),
        "DATABASE_URL": f"sqlite:///{workdir / 'cases.db'}",
        # Every simulated citizen talks from 127.0.0.1.
        "RATE_LIMIT_PER_IP_PER_MINUTE": "1000000",
    }
    if args.questions == "dev":
        # 815 questions over three levels come round again, where new wordings would not
        env["ANSWER_CACHE_SIZE"] = "0"
    for name in ("TRACKER_STORE_URL", "LOCK_STORE_URL"):
        env.pop(name, None)
    results: dict = {"profile": args.profile, "rasa_servers": args.rasa_servers, "questions": args.questions, "levels": []}
    if args.profile == "production":
        results["tracker_store"] = args.tracker_store
    trees: dict[str, int] = {}
    with ExitStack() as services:
        if args.profile == "production":
            port, _ = services.enter_context(postgresql_server())
            redis_port, redis_url = services.enter_context(redis_server())
            # Their memory counts in the total: the machine must hold them too.
            trees = {"postgresql": listening_pid(port), "redis": listening_pid(redis_port)}
            env.update(production_environment(port, redis_url, args.tracker_store))
        stack = Stack.from_procfile(workdir, env, rasa_servers=args.rasa_servers)
        print(f"Starting {', '.join(stack.processes)} ({args.profile} profile"
              f"{', conversations in ' + args.tracker_store if args.profile == 'production' else ''}; logs in {workdir})",
              file=sys.stderr)
        services.callback(stack.stop)
        stack.start()
        stack.wait_until_healthy()

        groups = {name: process.popen.pid for name, process in stack.processes.items()}
        rasa_pids = [pid for name, pid in groups.items() if name.startswith("rasa")]
        with ProcessWatch(groups, trees) as watch:
            for users in levels:
                citizens = Citizens(stack.api_url, users, questions=questions)
                print(f"Warming up for {args.warmup:g} s, then measuring {args.seconds:g} s with {users} citizens",
                      file=sys.stderr)

                async def drive() -> float:
                    start = time.monotonic()
                    task = asyncio.create_task(citizens.run(until=start + args.warmup + args.seconds))
                    await asyncio.sleep(args.warmup)
                    watch.reset_peaks()
                    spies = profile_rasa(rasa_pids, args.seconds, workdir) if args.py_spy and users == 20 else []
                    citizens.counting = True
                    cpu_before = watch.cpu_seconds()
                    measured_from = time.monotonic()
                    await task
                    cpu_used.update({k: v - cpu_before.get(k, 0) for k, v in watch.cpu_seconds().items()})
                    for spy in spies:
                        spy.wait()
                    return time.monotonic() - measured_from

                cpu_used: dict[str, float] = {}
                seconds = asyncio.run(drive())
                figures = level_figures(citizens, seconds, watch, cpu_used)
                rasa_cpu_s = sum(cpu for name, cpu in cpu_used.items() if name.startswith("rasa"))
                figures["rasa_cpu_ms_per_turn"] = round(rasa_cpu_s * 1000 / max(figures["turns"], 1), 1)
                if args.py_spy and users == 20:
                    figures["rasa_cpu_breakdown_ms"] = profile_breakdown(
                        [workdir / f"py-spy-{pid}.txt" for pid in rasa_pids], figures["rasa_cpu_ms_per_turn"])
                results["levels"].append(figures)
            if not args.no_floor:
                results["solo_cpu_ms"] = solo_cpu_ms(stack.api_url, watch, questions)
    if not args.no_floor:
        results["floor_cpu_ms"] = round(floor_cpu_ms(workdir), 1)
        results["over_floor"] = {
            kind: round(sum(by_process.values()) / results["floor_cpu_ms"], 1)
            for kind, by_process in results["solo_cpu_ms"].items()
        }

    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for figures in results["levels"]:
            print_level(figures)
            print(f"Rasa CPU per turn: {figures['rasa_cpu_ms_per_turn']} ms")
            for category, ms in figures.get("rasa_cpu_breakdown_ms", {}).items():
                print(f"  {ms:6.2f} ms  {category}")
        print("curve (users: turns/s, p95 ms): " + "; ".join(
            f"{f['users']}: {f['turns_per_s']}, {f['p95_ms']}" for f in results["levels"]))
        if not args.no_floor:
            print(f"floor (bare Rasa turn): {results['floor_cpu_ms']} ms CPU")
            for kind, by_process in results["solo_cpu_ms"].items():
                print(f"{kind:10} CPU ms per turn: " + ", ".join(f"{k}={v}" for k, v in by_process.items())
                      + f"  (total {results['over_floor'][kind]}x the floor)")
    main_level = next((f for f in results["levels"] if f["users"] == 20), results["levels"][-1])
    print(f"users={main_level['users']} turns_per_s={main_level['turns_per_s']} p95_ms={main_level['p95_ms']} "
          f"errors={main_level['errors']} knowledge_over_greet_p50={main_level['knowledge_over_greet_p50']} "
          f"peak_mib={main_level['peak_total_mib']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
