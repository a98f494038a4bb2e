"""Concurrent citizens on the whole assistant: latency per turn type, throughput, errors, memory.

    PYTHONPATH=. .venv/bin/python bench/load.py [--users 20] [--seconds 60]
        [--profile production|embedded] [--rasa-servers 12]

Starts the real stack from the Procfile (`stack`), reading the index in INDEX_DIR
(default var/index: run `make index` first). The production profile (default)
starts PostgreSQL and Redis from Debian's packages on loopback and runs the Rasa
servers on them; the embedded profile runs one Rasa server with everything in
memory and SQLite.

Each simulated citizen holds short conversations one after the other, with no
think time: a greeting, a labour-law question and a case look-up (three turns:
asking, case number, national id), in English, French, MSA or Darija (Arabic or
Latin script), all through POST /api/chat. A turn is an error when the API does
not answer 200 with a non-empty reply, or when a case look-up does not give the
case's status. After a warm-up, turns are counted for --seconds.

The last line is exactly
`turns_per_s=<x> p95_ms=<y> errors=<n> knowledge_over_greet_p50=<r>`;
the targets with 20 users on the 2-core machine are 0 errors, at least 15
turns/s, and a knowledge turn's p50 at most 1.5x a greeting's.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import re
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

from stack.processes import Stack  # noqa: E402
from stack.services import create_database, postgresql_server, redis_server  # noqa: E402
from timing import percentile  # noqa: E402 (bench/, the script's folder)
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
    workers count as one), read from /proc every half second."""

    CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

    def __init__(self, groups: dict[str, int]) -> None:
        self.groups = groups
        self.peak_mib: dict[str, float] = defaultdict(float)
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
        rss_kib: dict[int, int] = defaultdict(int)
        ticks: dict[int, int] = defaultdict(int)
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                rss = next(line for line in (entry / "status").read_text().splitlines() if line.startswith("VmRSS"))
            except (OSError, StopIteration, IndexError, ValueError):
                continue  # gone, or a kernel thread
            group = int(fields[2])
            rss_kib[group] += int(rss.split()[1])
            ticks[group] += int(fields[11]) + int(fields[12])  # utime + stime
        return {
            name: (rss_kib.get(group, 0) / 1024, ticks.get(group, 0) / self.CLOCK_TICKS)
            for name, group in self.groups.items()
        }

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            for name, (mib, _) in self._sample().items():
                self.peak_mib[name] = max(self.peak_mib[name], mib)


class Citizens:
    """N simulated citizens; every turn's (type, latency, ok) is recorded while `counting`."""

    def __init__(self, api_url: str, users: int) -> None:
        self.api_url = api_url
        self.users = users
        self.counting = False
        self.turns: list[tuple[str, float, bool, str]] = []
        self._conversations = itertools.count()

    async def run(self, until: float) -> None:
        limits = httpx.Limits(max_connections=self.users, max_keepalive_connections=self.users)
        async with httpx.AsyncClient(base_url=self.api_url, timeout=60, limits=limits) as http:
            await asyncio.gather(*(self._citizen(http, n, until) for n in range(self.users)))

    async def _citizen(self, http: httpx.AsyncClient, number: int, until: float) -> None:
        rng = random.Random(number)
        while time.monotonic() < until:
            sender = f"load-{number}-{next(self._conversations)}"
            case_number, national_id, _, _ = rng.choice(DEMO_CASES)
            script = [("greet", rng.choice(GREETINGS)), ("knowledge", rng.choice(QUESTIONS))]
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
        if self.counting:
            self.turns.append(("case" if kind == "case_status" else kind, elapsed_ms, not problem, problem))


def report(citizens: Citizens, seconds: float, memory: dict[str, float], cpu_s: dict[str, float]) -> dict:
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
        "peak_rss_mib": {name: round(value) for name, value in memory.items()},
        # Share of one core each process used while measured: where the time goes.
        "cpu_cores_used": {name: round(value / seconds, 2) for name, value in cpu_s.items()},
    }
    greet, knowledge = by_kind.get("greet"), by_kind.get("knowledge")
    figures["knowledge_over_greet_p50"] = (
        round(percentile(knowledge, 0.50) / percentile(greet, 0.50), 2) if greet and knowledge else None
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help="concurrent citizens (default 20)")
    parser.add_argument("--seconds", type=float, default=60, help="measured duration (default 60)")
    parser.add_argument("--warmup", type=float, default=15, help="unmeasured seconds first (default 15)")
    parser.add_argument("--profile", choices=("production", "embedded"), default="production")
    # Each Rasa server runs its conversations' CPU work on one event loop, so a turn
    # with more hops (an action call) waits behind every other conversation at each
    # hop; more servers than cores leave the interleaving to the OS instead.
    parser.add_argument("--rasa-servers", type=int, default=12,
                        help="Rasa servers (production profile; default 12, ~770 MiB each)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON before the last line")
    args = parser.parse_args()

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
    for name in ("TRACKER_STORE_URL", "LOCK_STORE_URL"):
        env.pop(name, None)
    with ExitStack() as services:
        rasa_servers = 1
        if args.profile == "production":
            port, _ = services.enter_context(postgresql_server())
            _, redis_url = services.enter_context(redis_server())
            for database in ("rasa_conversations", "ministry"):
                create_database(port, database)
            env.update(
                TRACKER_STORE_URL=f"postgresql://postgres@127.0.0.1:{port}/rasa_conversations",
                LOCK_STORE_URL=redis_url,
                DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:{port}/ministry",
            )
            rasa_servers = args.rasa_servers
        stack = Stack.from_procfile(workdir, env, rasa_servers=rasa_servers)
        print(f"Starting {', '.join(stack.processes)} ({args.profile} profile; logs in {workdir})", file=sys.stderr)
        services.callback(stack.stop)
        stack.start()
        stack.wait_until_healthy()

        citizens = Citizens(stack.api_url, args.users)
        groups = {name: process.popen.pid for name, process in stack.processes.items()}
        with ProcessWatch(groups) as watch:
            print(f"Warming up for {args.warmup:g} s, then measuring {args.seconds:g} s with {args.users} citizens",
                  file=sys.stderr)
            start = time.monotonic()

            async def drive() -> float:
                task = asyncio.create_task(citizens.run(until=start + args.warmup + args.seconds))
                await asyncio.sleep(args.warmup)
                citizens.counting = True
                cpu_before = watch.cpu_seconds()
                measured_from = time.monotonic()
                await task
                cpu_used.update({k: v - cpu_before.get(k, 0) for k, v in watch.cpu_seconds().items()})
                return time.monotonic() - measured_from

            cpu_used: dict[str, float] = {}
            seconds = asyncio.run(drive())
        figures = report(citizens, seconds, dict(watch.peak_mib), cpu_used)

    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        for kind, latency in figures["latency_ms"].items():
            print(f"{kind:10} n={latency['count']:5}  p50={latency['p50']:7.1f} ms  "
                  f"p95={latency['p95']:7.1f} ms  p99={latency['p99']:7.1f} ms")
        print("peak RSS (MiB): " + ", ".join(f"{k}={v}" for k, v in figures["peak_rss_mib"].items()))
        print("CPU (cores):    " + ", ".join(f"{k}={v}" for k, v in figures["cpu_cores_used"].items()))
        for problem in figures["first_errors"]:
            print(f"error: {problem}")
    print(f"turns_per_s={figures['turns_per_s']} p95_ms={figures['p95_ms']} errors={figures['errors']} "
          f"knowledge_over_greet_p50={figures['knowledge_over_greet_p50']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
