"""CPU time per uncached article page, by process, for settings side by side.

Requests per second on a shared machine move by 10-30% between runs; the CPU
time that PostgreSQL and Redis spend per request moves much less, and shows
what a database-side change does. This starts the site under gunicorn as
`make bench` does (production settings, page cache off, the bench database
`newsroom_bench_<size>`, which must exist), once per variant and round, loads
it with wrk over the load test's articles, and prints per variant: requests
per second, and CPU milliseconds per request of the gunicorn workers and of
the PostgreSQL and Redis processes:

    python bench/cpu.py                                   # the settings as they are
    python bench/cpu.py --variant DATABASE_PREPARED_STATEMENTS=false \\
                        --variant DATABASE_CONN_HEALTH_CHECKS=false

Each variant names environment variables (comma-separated NAME=value) added
to the site's; the variants alternate within each round, so that a slow
moment of the machine hits them alike. About 20 s per variant and round.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import run  # noqa: E402

SERVICES = ("postgres", "redis-server")


def services_cpu_seconds():
    """Return the CPU time used so far by every PostgreSQL and Redis process."""
    return run.cpu_seconds(lambda name, group: name.startswith(SERVICES))


def article_paths(env):
    """Return the addresses of the load test's articles (bench/inprocess.py)."""
    code = (
        "import json; from bench import inprocess; "
        "articles, _ = inprocess.article_sample(inprocess.ARTICLES); "
        "print(json.dumps([a.get_absolute_url() for a in articles]))"
    )
    result = subprocess.run(  # noqa: S603 (fixed interpreter and code)
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


def parse_variant(text):
    if not text:
        return {}
    pairs = [part.split("=", 1) for part in text.split(",")]
    if any(len(pair) != 2 for pair in pairs):
        raise argparse.ArgumentTypeError(f"not NAME=value[,NAME=value]: {text!r}")
    return dict(pairs)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument(
        "--variant",
        type=parse_variant,
        action="append",
        help="environment of one variant, e.g. DATABASE_PREPARED_STATEMENTS=false",
    )
    options = parser.parse_args(argv)
    variants = [{}] + (options.variant or [])
    run.ensure_wrk("wrk")
    settings = SimpleNamespace(
        secret_key=secrets.token_urlsafe(50),
        workdir=tempfile.mkdtemp(prefix="newsroom-cpu-"),
        run_id=f"cpu-{os.getpid()}",
        redis_db=options.redis_db,
        threads=2,
        connections=16,
        duration=options.duration,
        loadgen="wrk",
    )
    env = run.site_env(settings, options.size, prefix="setup", page_cache=False)
    run.refresh_site(env)
    target = run.Target("articles", "Article page", article_paths(env))
    rows = {index: [] for index in range(len(variants))}
    try:
        for number in range(options.rounds):
            for index, extra in enumerate(variants):
                prefix = f"cpu{number}-{index}"
                env = run.site_env(settings, options.size, prefix=prefix)
                env.update({"NEWSROOM_PAGE_CACHE": "false", **extra})
                logfile = Path(settings.workdir) / "gunicorn.log"
                with run.gunicorn(env, str(logfile)) as server:
                    run.measure(server, target, settings, settings.workdir)
                    server.settle()
                    app, services = server.cpu_seconds(), services_cpu_seconds()
                    result = run.wrk(
                        server.base, target, options.duration, settings,
                        settings.workdir, False,
                    )  # fmt: skip
                    app = server.cpu_seconds() - app
                    services = services_cpu_seconds() - services
                requests = max(result["requests"], 1)
                rows[index].append(
                    (result["rps"], app / requests * 1e3, services / requests * 1e3)
                )
    finally:
        run.clear_cache(settings)
    rounds = f"{options.rounds} rounds of {options.duration} s"
    print(f"\n{options.size:,} articles, {rounds}; CPU ms per request")
    print("| Variant | req/s (median) | gunicorn workers | PostgreSQL + Redis |")
    print("| --- | ---: | ---: | ---: |")
    for index, extra in enumerate(variants):
        found = sorted(rows[index])
        median = found[len(found) // 2][0]
        app = sum(row[1] for row in found) / len(found)
        services = sum(row[2] for row in found) / len(found)
        name = ", ".join(f"{k}={v}" for k, v in extra.items()) or "as configured"
        print(f"| {name} | {median:,.0f} | {app:.2f} | {services:.2f} |")


if __name__ == "__main__":
    main()
