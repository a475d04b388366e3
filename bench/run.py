"""`make bench`: the public pages under load, against the framework's own limit.

For each data size: a fresh PostgreSQL database with generated articles, the
site under gunicorn with production settings (2 sync workers, Redis cache), and
`wrk` against 127.0.0.1 for each page type, with the full-page cache off
("cold") and on after a warm-up request ("warm"). In the same run, a bare Django
view returning a page of the article page's size through the same settings and
workers: every figure is printed as a share of its requests per second. Also the
in-process render time and SQL queries of an uncached article page, and search
latency, at each size; and the editor's side (bench/editor.py): what creating
a draft, a headline save, a publish and a bulk action cost in the admin. See
docs/performance.md.

    .venv/bin/python bench/run.py --sizes "1000 100000"
    .venv/bin/python bench/run.py --sizes 1000 --quick
"""

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))  # for bench.editor
RESULTS_DIR = BASE_DIR / "bench" / "results"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PG = ["-h", HOST, "-p", "5432", "-U", "postgres"]
SEED = 1
BARE_PATH = "/__bench__/bare/"
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)
# (key in bench/inprocess.py's paths, label). The article page rotates over
# several live articles; the beacon posts views of the same articles.
PAGES = [
    ("front", "Front page"),
    ("section", "Section front"),
    ("articles", "Article page"),
    ("tag", "Tag page"),
    ("author", "Author page"),
    ("search", "Search page"),
    ("archive_month", "Archive month"),
    ("feed", "RSS feed"),
    ("sitemap", "Sitemap index"),
    ("beacon", "View beacon (POST)"),
]
BARE = ("bare", "Bare Django view")
BARE_END = ("bare_end", "Bare Django view, again at the end")
# A figure measured while other processes kept this many cores busy is marked.
BUSY = 0.3


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(cmd, *, env=None, capture=False, check=True, quiet=False):
    """Run a command in the project folder; its output goes to the terminal."""
    if not quiet:
        log("$ " + " ".join(str(part) for part in cmd))
    result = subprocess.run(  # noqa: S603 (our own fixed commands)
        [str(part) for part in cmd],
        cwd=BASE_DIR,
        env=env,
        capture_output=capture,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        details = (result.stderr or result.stdout or "") if capture else ""
        raise RuntimeError(f"{cmd[0]} failed ({result.returncode}): {details[-2000:]}")
    return result


# Services ---------------------------------------------------------------------


def ensure_postgresql():
    if run(["pg_isready", "-q", *PG[:4]], check=False, quiet=True).returncode == 0:
        return
    clusters = (
        sorted(os.listdir("/etc/postgresql"))
        if Path("/etc/postgresql").is_dir()
        else []
    )
    if not clusters:
        raise RuntimeError("PostgreSQL is not running on 127.0.0.1:5432.")
    log("starting PostgreSQL")
    run(["pg_ctlcluster", "--skip-systemctl-redirect", clusters[0], "main", "start"])
    for _ in range(30):
        if run(["pg_isready", "-q", *PG[:4]], check=False, quiet=True).returncode == 0:
            return
        time.sleep(1)
    raise RuntimeError("PostgreSQL did not start.")


def redis_up():
    cmd = ["redis-cli", "-h", HOST, "-p", "6379", "ping"]
    return run(cmd, capture=True, check=False, quiet=True).stdout.strip() == "PONG"


def ensure_redis():
    if redis_up():
        return
    log("starting Redis")
    for folder in ("/var/lib/redis", "/var/log/redis"):
        os.makedirs(folder, exist_ok=True)
    run(
        [
            *("redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1"),
            *("--port", "6379", "--save", "", "--appendonly", "no"),
            *("--dir", "/var/lib/redis", "--logfile", "/var/log/redis/bench.log"),
        ]
    )
    for _ in range(30):
        if redis_up():
            return
        time.sleep(1)
    raise RuntimeError("Redis did not start.")


def ensure_wrk(choice):
    """Return "wrk", installing Debian's package if needed, or "python"."""
    if choice == "python":
        return "python"
    if shutil.which("wrk"):
        return "wrk"
    if shutil.which("apt-get") and os.geteuid() == 0:
        log("installing wrk from Debian")
        install = ["apt-get", "install", "-y", "-qq", "wrk"]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if run(install, env=env, check=False).returncode != 0:
            run(["apt-get", "update", "-qq"], env=env, check=False)
            run(install, env=env, check=False)
    if shutil.which("wrk"):
        return "wrk"
    if choice == "wrk":
        raise RuntimeError("wrk is not installed and could not be installed.")
    log("wrk could not be installed: using the Python load generator")
    return "python"


# Databases --------------------------------------------------------------------


def psql(sql, database="postgres"):
    cmd = ["psql", *PG, "-d", database, "-tAc", sql]
    result = run(cmd, capture=True, check=False, quiet=True)
    return result.stdout.strip() if result.returncode == 0 else None


def article_count(database):
    exists = f"SELECT 1 FROM pg_database WHERE datname = '{database}'"  # noqa: S608
    if psql(exists) != "1":
        return None
    count = psql("SELECT count(*) FROM articles_article", database)
    return int(count) if count and count.isdigit() else None


def prepare_database(size, env, *, reuse):
    """Create (or reuse) newsroom_bench_<size>; return seconds spent generating."""
    database = f"newsroom_bench_{size}"
    existing = article_count(database)
    if reuse and existing == size:
        log(f"{database}: reusing its {size:,} articles")
        run([BIN / "python", "manage.py", "migrate", "--noinput", "-v", "0"], env=env)
        seconds = None
    else:
        run(["dropdb", *PG, "--if-exists", "--force", database])
        run(["createdb", *PG, database])
        run([BIN / "python", "manage.py", "migrate", "--noinput", "-v", "0"], env=env)
        started = time.monotonic()
        run(
            [BIN / "python", "manage.py", "generate_articles", size, "--seed", SEED],
            env=env,
        )
        seconds = time.monotonic() - started
    store_related_lists(env)
    # As autovacuum would in a while: without statistics after a bulk insert,
    # the planner misjudges (e.g. scans every article instead of the search index).
    run(["vacuumdb", *PG, "--analyze", "--quiet", database])
    return seconds


def store_related_lists(env):
    """Compute and copy the related lists of the articles the bench requests,
    and empty the task queue, as a site whose worker has caught up has them
    (bench/related_lists.py): idempotent, a few seconds."""
    result = run([BIN / "python", "bench/related_lists.py"], env=env, capture=True)
    done = json.loads(result.stdout.splitlines()[-1])
    log(
        f"  related lists of the {done['articles']} sampled articles: "
        f"{done['computed']} computed, all copied ({done['entries']} entries, "
        f"{done['seconds']:.1f} s); {done['tasks_removed']} queued tasks deleted"
    )
    return done


def queued_tasks(database):
    """Return the number of rows in the database's task queue."""
    count = psql("SELECT count(*) FROM django_tasks_database_dbtaskresult", database)
    return int(count) if count and count.isdigit() else None


# The site under gunicorn ------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url, data=None, headers=None, timeout=30):
    request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
        url, data=data, headers={"User-Agent": USER_AGENT, **(headers or {})}
    )
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextlib.contextmanager
def gunicorn(env, logfile):
    """Serve the site on a free port of 127.0.0.1; stop it however we leave."""
    port = free_port()
    cmd = [BIN / "gunicorn", "newsroom.wsgi", "--workers", "2"]
    cmd += ["--worker-class", "sync", "--bind", f"{HOST}:{port}", "--timeout", "60"]
    cmd += ["--log-level", "warning", "--error-logfile", logfile]
    log(f"starting gunicorn on {HOST}:{port}")
    with open(logfile, "a") as out:
        process = subprocess.Popen(  # noqa: S603 (fixed command)
            [str(part) for part in cmd],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {logfile}")
            with contextlib.suppress(OSError):
                if fetch(base + BARE_PATH, timeout=5)[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer in 60 s: see {logfile}")
            time.sleep(0.3)
        yield Server(base, process.pid, env["DATABASE_URL"].rsplit("/", 1)[1])
    finally:
        stop(process)


def cpu_seconds(chosen):
    """Return the CPU time used so far by the processes for which
    `chosen(name, process group)` is true (read from /proc)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            text = stat.read_text()
            name = text.split("(", 1)[1].rsplit(")", 1)[0]
            fields = text.rsplit(")", 1)[1].split()
            if chosen(name, int(fields[2])):
                ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    base: str
    group: int
    database: str

    def cpu_seconds(self):
        """Return the CPU time used so far by the gunicorn master and workers."""
        return cpu_seconds(lambda name, group: group == self.group)

    def queries_running(self):
        sql = (
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
            "AND datname = current_database() AND pid <> pg_backend_pid()"
        )
        return psql(sql, self.database) not in ("0", None)

    def settle(self, timeout=120):
        """Wait until the workers and their database queries are done: a load
        run leaves requests queued, and a worker waiting on PostgreSQL uses no CPU.
        """
        deadline = time.monotonic() + timeout
        used = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(0.25)
            now = self.cpu_seconds()
            if now - used < 0.01 and not self.queries_running():
                return
            used = now
        log("  the workers did not settle in time")


def stop(process):
    if process.poll() is not None:
        return
    log(f"stopping gunicorn (pid {process.pid})")
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# Load generation --------------------------------------------------------------


@dataclass
class Target:
    """What one measurement requests: paths (and bodies), rotated."""

    key: str
    label: str
    paths: list
    method: str = "GET"
    bodies: list = field(default_factory=list)

    @property
    def expected_status(self):
        return 204 if self.method == "POST" else 200

    def requests(self):
        if self.bodies:
            return list(zip(self.paths, self.bodies, strict=True))
        return [(path, None) for path in self.paths]


def lua_string(text):
    if not text.isascii():
        raise ValueError(f"not an ASCII path: {text!r}")
    return json.dumps(text)


def lua_script(target, random_client):
    """A wrk script: rotate over the target's requests, report JSON when done."""
    entries = ", ".join(
        "{" + lua_string(path) + (", " + lua_string(body) if body else "") + "}"
        for path, body in target.requests()
    )
    content_type = (
        '["Content-Type"] = "application/x-www-form-urlencoded", '
        if target.method == "POST"
        else ""
    )
    return f"""
local entries = {{{entries}}}
local method = "{target.method}"
local random_client = {"true" if random_client else "false"}
local headers = {{{content_type}["User-Agent"] = {lua_string(USER_AGENT)},
  ["Accept"] = "text/html,application/xhtml+xml,*/*;q=0.8"}}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("offset", counter)
end
function init(args)
  index = offset or 1
  math.randomseed(7919 * index)
end
function request()
  index = index % #entries + 1
  local entry = entries[index]
  if random_client then
    headers["X-Forwarded-For"] = string.format(
      "10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  end
  return wrk.format(method, entry[1], headers, entry[2])
end
function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "max_us": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}}\\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def wrk(base, target, duration, options, workdir, random_client):
    script = Path(workdir) / f"{target.key}.lua"
    script.write_text(lua_script(target, random_client))
    cmd = ["wrk", f"-t{options.threads}", f"-c{options.connections}"]
    cmd += [f"-d{duration}s", "--timeout", "10s", "--latency", "-s", script]
    result = run([*cmd, base + target.paths[0]], capture=True, quiet=True)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            data = json.loads(line.removeprefix("BENCH_JSON "))
            break
    else:
        raise RuntimeError(f"wrk printed no summary:\n{result.stdout}{result.stderr}")
    seconds = data["duration_us"] / 1e6
    errors = sum(data[key] for key in ("connect", "read", "write", "timeout"))
    answered = data["requests"] > 0
    return {
        "rps": data["requests"] / seconds,
        "p50_ms": data["p50_us"] / 1000 if answered else None,
        "p99_ms": data["p99_us"] / 1000 if answered else None,
        "requests": data["requests"],
        "bad_status": data["status"],
        "socket_errors": errors,
    }


async def _python_load(base, target, duration, connections, random_client):
    """Fallback load generator: `connections` clients, one request each in turn."""
    host, port = base.removeprefix("http://").split(":")
    entries = target.requests()
    latencies, bad, errors = [], 0, 0
    deadline = time.monotonic() + duration
    rng = __import__("random").Random(7919)

    async def client(offset):
        nonlocal bad, errors
        index = offset
        while time.monotonic() < deadline:
            path, body = entries[index % len(entries)]
            index += 1
            lines = [f"{target.method} {path} HTTP/1.1", f"Host: {host}:{port}"]
            lines += [f"User-Agent: {USER_AGENT}", "Connection: close"]
            if random_client:
                lines.append(f"X-Forwarded-For: 10.{rng.randrange(256)}.0.1")
            payload = (body or "").encode()
            if target.method == "POST":
                lines += ["Content-Type: application/x-www-form-urlencoded"]
                lines += [f"Content-Length: {len(payload)}"]
            started = time.monotonic()
            try:
                reader, writer = await asyncio.open_connection(host, int(port))
                writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
                status_line = await reader.readline()
                await reader.read()
                writer.close()
            except OSError:
                errors += 1
                continue
            latencies.append(time.monotonic() - started)
            status = int(status_line.split()[1]) if status_line else 0
            bad += not 200 <= status < 400

    started = time.monotonic()
    await asyncio.gather(*(client(i) for i in range(connections)))
    elapsed = time.monotonic() - started
    latencies.sort()
    pick = lambda share: latencies[int(share * (len(latencies) - 1))] * 1000  # noqa: E731
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": pick(0.5) if latencies else None,
        "p99_ms": pick(0.99) if latencies else None,
        "requests": len(latencies),
        "bad_status": bad,
        "socket_errors": errors,
    }


def busy_cores(seconds=0.5):
    """Return how many cores other processes keep busy while the bench idles."""

    def sample():
        fields = [int(n) for n in Path("/proc/stat").read_text().split()[1:9]]
        total = sum(fields)
        return total - fields[3] - fields[4], total

    try:
        busy, total = sample()
        time.sleep(seconds)
        busy_after, total_after = sample()
    except (OSError, ValueError):
        return None
    return (busy_after - busy) / max(total_after - total, 1) * (os.cpu_count() or 1)


def wait_quiet(seconds):
    """Wait up to `seconds` for other processes to leave the cores idle."""
    deadline = time.monotonic() + seconds
    other = busy_cores(1.0)
    if other is None or other < BUSY:
        return
    log(f"other processes keep {other:.1f} cores busy: waiting up to {seconds} s")
    while time.monotonic() < deadline:
        other = busy_cores(1.0)
        if other < BUSY:
            return
    log(f"still {other:.1f} cores busy: measuring anyway (figures marked †)")


def measure(server, target, options, workdir, *, random_client=False):
    """Warm up (every path once, then a short run), then measure."""
    base = server.base
    server.settle()
    other = busy_cores()
    size = None
    for path, body in target.requests():
        data = body.encode() if body else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if data else {}
        status, content = fetch(base + path, data=data, headers=headers)
        if status != target.expected_status:
            raise RuntimeError(f"{target.method} {path} answered {status}")
        size = size or len(content)
    if options.loadgen == "wrk":
        wrk(base, target, 1, options, workdir, random_client)
        server.settle()
        result = wrk(base, target, options.duration, options, workdir, random_client)
    else:
        result = asyncio.run(
            _python_load(
                base, target, options.duration, options.connections, random_client
            )
        )
    result["bytes"] = size
    result["other_cores"] = other
    log(
        f"  {target.label:<24} {fmt_rps(result['rps']):>9} req/s"
        f"  p50 {fmt_ms(result['p50_ms']):>7} ms"
        f"  p99 {fmt_ms(result['p99_ms']):>7} ms"
        + (f"  {result['bad_status']} bad statuses" if result["bad_status"] else "")
        + (
            f"  {result['socket_errors']} socket errors"
            if result["socket_errors"]
            else ""
        )
        + (f"  (other load {other:.1f} cores)" if other and other >= BUSY else "")
    )
    return result


def targets(paths):
    found = []
    for key, label in PAGES:
        value = paths.get(key)
        if not value:
            log(f"  (no {label.lower()} in this database: skipped)")
            continue
        if key == "beacon":
            bodies = [f"article={pk}" for pk in paths["article_ids"]]
            found.append(Target(key, label, [value] * len(bodies), "POST", bodies))
        else:
            found.append(
                Target(key, label, value if isinstance(value, list) else [value])
            )
    return found


# One size ---------------------------------------------------------------------


def site_env(options, size, *, prefix, page_cache=None, bare_bytes=None):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": options.secret_key,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(Path(options.workdir) / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"postgres://postgres@{HOST}:5432/newsroom_bench_{size}",
        "REDIS_URL": f"redis://{HOST}:6379/{options.redis_db}",
        # A fresh key prefix per server: its cache starts empty.
        "CACHE_KEY_PREFIX": f"{options.run_id}-{size}-{prefix}",
        # Each beacon comes from a new reader (wrk sends a random address).
        "NEWSROOM_CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
    }
    if page_cache is not None:
        env["NEWSROOM_PAGE_CACHE"] = "true" if page_cache else "false"
    if bare_bytes:
        env["BENCH_BARE_BYTES"] = str(bare_bytes)
    return env


def page_cache_switch(options, size):
    """Return True if the site has the NEWSROOM_PAGE_CACHE switch."""
    env = site_env(options, size, prefix="probe", page_cache=False)
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(getattr(settings, 'NEWSROOM_PAGE_CACHE', 'missing'))"
    )
    result = run([BIN / "python", "-c", code], env=env, capture=True, quiet=True)
    return result.stdout.strip().splitlines()[-1] == "False"


def refresh_site(env):
    """Migrate and collect static files: the code may have changed meanwhile."""
    for command in (["migrate"], ["collectstatic"]):
        run([BIN / "python", "manage.py", *command, "--noinput", "-v", "0"], env=env)


def bench_size(size, options):
    result = {"size": size}
    env = site_env(options, size, prefix="setup")
    result["generate_seconds"] = prepare_database(size, env, reuse=options.reuse)

    refresh_site(env)
    wait_quiet(options.wait_quiet)
    result["inprocess_other_cores"] = busy_cores()
    log(f"{size:,} articles: in-process render and search")
    env = site_env(
        options,
        size,
        prefix="inprocess",
        page_cache=False if options.has_page_cache else None,
    )
    cmd = [BIN / "python", "bench/inprocess.py", "--renders", options.renders]
    cmd += ["--search-passes", options.search_passes]
    cmd += ["--page-renders", options.page_renders]
    inprocess = json.loads(run(cmd, env=env, capture=True).stdout.splitlines()[-1])
    result["inprocess"] = inprocess
    render, search = inprocess["render"], inprocess["search"]
    log(
        f"  render {render['median_ms']:.1f} ms median, {render['queries']} queries, "
        f"{render['page_bytes']:,} bytes; search {search['median_ms']:.1f} ms median, "
        f"{search['p95_ms']:.1f} ms p95"
    )

    pages = [
        target
        for target in targets(inprocess["paths"])
        if not options.pages or target.key in options.pages
    ]
    bare = Target(*BARE, [BARE_PATH])
    modes = (
        [("cold", False), ("warm", True)]
        if options.has_page_cache
        else [("as-is", None)]
    )
    result["modes"], result["limits"] = {}, {}
    for mode, page_cache in modes:
        refresh_site(env)
        wait_quiet(options.wait_quiet)
        log(f"{size:,} articles, {mode}: under gunicorn")
        env = site_env(
            options,
            size,
            prefix=mode,
            page_cache=page_cache,
            bare_bytes=render["page_bytes"],
        )
        logfile = Path(options.workdir) / f"gunicorn-{size}-{mode}.log"
        figures = {}
        with gunicorn(env, logfile) as server:
            figures["bare"] = measure(server, bare, options, options.workdir)
            for target in pages:
                figures[target.key] = measure(
                    server,
                    target,
                    options,
                    options.workdir,
                    random_client=target.key == "beacon",
                )
            figures["bare_end"] = measure(server, bare, options, options.workdir)
        result["modes"][mode] = figures
        # The limit of this server: the bare view at its start and its end.
        limit = (figures["bare"]["rps"] + figures["bare_end"]["rps"]) / 2
        result["limits"][mode] = limit
        log(f"  limit {limit:,.0f} req/s")
    # The sampled articles' lists were computed: no reader's page enqueued a
    # task (a row in the queue bench/related_lists.py emptied).
    result["tasks_queued"] = queued_tasks(f"newsroom_bench_{size}")
    log(f"  tasks queued by the reader pages: {result['tasks_queued']}")
    if options.editor:
        from bench import editor

        wait_quiet(options.wait_quiet)
        result["editor"] = editor.measure_size(size, options)
    return result


# Report -----------------------------------------------------------------------


def machine(options, results):
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    system = platform.platform()
    with contextlib.suppress(OSError):
        release = Path("/etc/os-release").read_text()
        found = re.search(r'^PRETTY_NAME="?([^"\n]*)', release, re.MULTILINE)
        system = f"{found.group(1)}, Linux {platform.release()}" if found else system

    def version(cmd, pattern=r"([0-9][0-9.]+)"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(  # noqa: S603 (fixed commands)
                cmd, capture_output=True, text=True, check=False
            )
            found = re.search(pattern, out.stdout + out.stderr)
            return found.group(1) if found else "?"
        return "not installed"

    import django

    commit = version(["git", "-C", BASE_DIR, "rev-parse", "--short", "HEAD"], r"(\w+)")
    dirty = version(
        ["git", "-C", BASE_DIR, "--no-optional-locks", "status", "--porcelain"],
        r"(\S)",
    )
    postgres = next(
        (r["inprocess"]["database_version"] for r in results if "inprocess" in r), "?"
    )
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} cores"),
        ("Memory", memory),
        ("System", system),
        (
            "Software",
            f"Python {platform.python_version()}, Django {django.get_version()}, "
            f"PostgreSQL {postgres}, Redis {version(['redis-server', '--version'])}, "
            f"gunicorn {version([BIN / 'gunicorn', '--version'])}",
        ),
        (
            "Load",
            (
                f"wrk {version(['wrk', '--version'], r'([0-9]+[.][0-9.]+)')}, "
                f"{options.threads} threads, {options.connections} connections, "
                f"{options.duration} s per figure after a 1 s warm-up"
                if options.loadgen == "wrk"
                else "Python fallback load generator (may not saturate the server), "
                f"{options.connections} connections, {options.duration} s per figure"
            )
            + ", on the same machine",
        ),
        (
            "Server",
            "gunicorn, 2 sync workers, DEBUG off, Redis cache, PostgreSQL, "
            "WhiteNoise, 127.0.0.1",
        ),
        ("Code", f"{commit}" + (" with uncommitted changes" if dirty != "?" else "")),
    ]


def fmt_rps(value):
    return f"{value:,.0f}" if value >= 1 else f"{value:.2f}"


def fmt_ms(value):
    if value is None:
        return "–"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def fmt_share(value, limit):
    return f"{100 * value / limit:.0f}%" if limit else "–"


def flag(figure):
    notes = []
    if figure.get("bad_status"):
        notes.append(f"{figure['bad_status']:,} non-2xx/3xx")
    if not figure.get("requests"):
        notes.append("none answered")
    if figure.get("socket_errors"):
        notes.append(f"{figure['socket_errors']:,} socket errors")
    return f" ({', '.join(notes)})" if notes else ""


def report(results, options, started, elapsed):
    lines = [
        f"# Newsroom benchmark, {started:%Y-%m-%d %H:%M} UTC"
        + (" (quick smoke run)" if options.quick else ""),
        "",
        "Produced by `make bench` (bench/run.py); see docs/performance.md.",
        "",
        "| Machine | |",
        "| --- | --- |",
    ]
    lines += [f"| {name} | {value} |" for name, value in machine(options, results)]
    lines += ["", f"Total run time: {elapsed / 60:.1f} min.", ""]
    if not options.has_page_cache:
        lines += [
            "The site has no `NEWSROOM_PAGE_CACHE` switch yet, so each page type ran "
            "once, with the site as it is (column “as-is”).",
            "",
        ]
    busy = False
    for result in results:
        if "modes" not in result:
            continue
        size, limits = result["size"], result["limits"]
        inprocess = result["inprocess"]
        modes = list(result["modes"])
        lines += [
            f"## {size:,} articles ({inprocess['articles_live']:,} live)",
            "",
            "Framework limit: a bare Django view returning a fixed "
            f"{inprocess['render']['page_bytes']:,}-byte HTML page (the article "
            "page's size) through the same middleware and workers, measured first "
            "and last on each server; “of limit” is a page's requests per second "
            "as a share of their mean: "
            + ", ".join(f"**{fmt_rps(limits[mode])} req/s** ({mode})" for mode in modes)
            + ".",
            "",
        ]
        head = "| Page |"
        rule = "| --- |"
        for mode in modes:
            head += f" {mode} req/s | p50 ms | p99 ms | of limit |"
            rule += " ---: | ---: | ---: | ---: |"
        lines += [head, rule]
        for key, label in [BARE, *PAGES, BARE_END]:
            if key not in result["modes"][modes[0]]:
                continue
            row = f"| {label}"
            if key == "articles":
                row += f" ({len(inprocess['paths']['articles'])} rotating)"
            if key == "search":
                row += f" (`{inprocess['paths']['search'].split('=', 1)[1]}`)"
            row += " |"
            for mode in modes:
                figure = result["modes"][mode].get(key)
                mark = ""
                if (figure.get("other_cores") or 0) >= BUSY:
                    mark, busy = " †", True
                row += (
                    f" {fmt_rps(figure['rps'])}{flag(figure)}{mark}"
                    f" | {fmt_ms(figure['p50_ms'])} | {fmt_ms(figure['p99_ms'])}"
                    f" | {fmt_share(figure['rps'], limits[mode])} |"
                )
            lines.append(row)
        if result.get("generate_seconds"):
            lines += [
                "",
                f"Generating the articles took {result['generate_seconds']:.0f} s.",
            ]
        lines.append("")
    if busy:
        lines += [
            f"† Other processes kept {BUSY} cores or more busy just before this "
            "figure: the machine was shared, so it is lower than it would be alone.",
            "",
        ]
    lines += in_process_report(results)
    lines += targets_report(results)
    if any(result.get("editor") for result in results):
        from bench import editor

        lines += editor.report_lines(results)
    lines += wordpress_report(results)
    return "\n".join(lines) + "\n"


# Issue #15's target: 10,000 posts with 2,000 pictures in under ten minutes.
WORDPRESS_POSTS, WORDPRESS_IMAGES, WORDPRESS_MAX_SECONDS = 10_000, 2_000, 600


def wordpress_import(options):
    """Import a generated WordPress export (bench/wordpress_import.py)."""
    posts, images = (500, 100) if options.quick else (WORDPRESS_POSTS, WORDPRESS_IMAGES)
    log(f"WordPress import: {posts} posts, {images} pictures")
    command = [BIN / "python", "bench/wordpress_import.py"]
    command += ["--posts", str(posts), "--images", str(images)]
    # Its own fresh SQLite database: never a bench database.
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    result = run(command, env=env, capture=True)
    return json.loads(result.stdout[result.stdout.index("{") :])


def wordpress_report(results):
    found = [result["wordpress"] for result in results if result.get("wordpress")]
    if not found:
        return []
    figures = found[0]
    held = "met" if figures["import_seconds"] < WORDPRESS_MAX_SECONDS else "MISSED"
    steps = ", ".join(
        f"{step} {done['seconds']:.0f} s ({done['count']:,})"
        for step, done in figures["computed_after_import"].items()
    )
    pages = {
        "article": "an imported article",
        "section_front": "its section front",
        "front_page": "the front page",
    }
    return [
        "## WordPress import (bench/wordpress_import.py)",
        "",
        f"A generated export of {figures['posts']:,} posts and "
        f"{figures['images']:,} pictures ({figures['export_mb']} MB), imported "
        "with its uploads into a fresh database:",
        "",
        f"- import: {figures['import_seconds']:.0f} s "
        f"({figures['items_per_second']:.0f} items/s); target under "
        f"{WORDPRESS_MAX_SECONDS // 60} minutes at {WORDPRESS_POSTS:,} posts: {held}",
        f"- of which computed after the commit: "
        f"{figures['computed_after_import_seconds']:.0f} s ({steps}); tasks left "
        f"to a worker: {figures['tasks_queued']}",
        *(
            f"- first view of {label}, right after the import: "
            f"{figures['first_views'][name]['ms']:.0f} ms, "
            f"{figures['first_views'][name]['queries']} queries "
            f"(status {figures['first_views'][name]['status']})"
            for name, label in pages.items()
        ),
        f"- problems reported: {figures['problems']}",
        "",
    ]


def in_process_report(results):
    done = [result for result in results if "inprocess" in result]
    if not done:
        return []
    base = done[0]["inprocess"]["render"]["median_ms"]
    lines = [
        "## In process: uncached article page and search",
        "",
        "Article page: test client through every middleware, page cache off, "
        "median of the renders rotating over the load test's articles; SQL "
        "queries of one render (range over those articles). Search: "
        "`search_articles(Article.objects.live(), q)[:20]` over "
        f"{done[0]['inprocess']['search']['queries']} fixed queries.",
        "",
        "| Articles | Render median ms | Render p95 ms | × smallest size | SQL queries "
        "| Search median ms | Search p95 ms | Slowest query (median ms) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for result in done:
        render = result["inprocess"]["render"]
        search = result["inprocess"]["search"]
        queries = str(render["queries_max"])
        if render["queries_min"] != render["queries_max"]:
            queries = f"{render['queries_min']}–{render['queries_max']}"
        slowest = search["slowest"]
        mark = " †" if (result.get("inprocess_other_cores") or 0) >= BUSY else ""
        lines.append(
            f"| {result['size']:,}{mark} | {fmt_ms(render['median_ms'])} "
            f"| {fmt_ms(render['p95_ms'])} | {render['median_ms'] / base:.2f} "
            f"| {queries} | {fmt_ms(search['median_ms'])} | {fmt_ms(search['p95_ms'])} "
            f"| `{slowest['query']}` ({fmt_ms(slowest['ms'])}) |"
        )
    lines += pages_report(done)
    largest = done[-1]
    lines += [
        "",
        f"Search queries at {largest['size']:,} articles (hits of 20, median ms): "
        + "; ".join(
            f"`{query}` {data['hits']}, {fmt_ms(data['median_ms'])}"
            for query, data in largest["inprocess"]["search"]["per_query"].items()
        )
        + ".",
        "",
    ]
    return lines


def pages_report(done):
    """Uncached render time and queries of every page type, at each size."""
    if not all("pages" in result["inprocess"] for result in done):
        return []
    lines = [
        "",
        "Every page type rendered the same way, page cache off (median of "
        f"{done[0]['inprocess'].get('page_renders', 3)} renders after one warm-up; "
        "the article is the newest live one):",
        "",
        "| Page | "
        + " | ".join(f"{result['size']:,}: ms | queries" for result in done)
        + (" | × smallest size |" if len(done) > 1 else " |"),
        "| --- |" + " ---: | ---: |" * len(done) + (" ---: |" if len(done) > 1 else ""),
    ]
    first = done[0]["inprocess"]["pages"]
    for key, page in first.items():
        row = f"| {page['label']} |"
        for result in done:
            figure = result["inprocess"]["pages"].get(key)
            row += (
                f" {fmt_ms(figure['median_ms'])} | {figure['queries']} |"
                if figure
                else " – | – |"
            )
        last = done[-1]["inprocess"]["pages"].get(key)
        if len(done) > 1 and last:
            row += f" {last['median_ms'] / page['median_ms']:.1f} |"
        lines.append(row)
    return lines


def targets_report(results):
    """The targets of the issue, at each size measured."""
    done = [result for result in results if "modes" in result]
    if not done:
        return []
    first = done[0]
    lines = [
        "## Against the targets",
        "",
        "| Target | " + " | ".join(f"{r['size']:,} articles" for r in done) + " |",
        "| --- |" + " ---: |" * len(done),
    ]

    def share(result, mode, key, goal):
        if mode not in result["modes"] or key not in result["modes"][mode]:
            return "–"
        value = result["modes"][mode][key]["rps"] / result["limits"][mode]
        return f"{100 * value:.0f}% ({'met' if value >= goal else 'not met'})"

    cold = "cold" if "cold" in first["modes"] else "as-is"
    rows = [
        ("Warm article page ≥ 80% of the limit", "warm", "articles", 0.8),
        ("Cold article page ≥ 15% of the limit (aim 25%)", cold, "articles", 0.15),
        ("View beacon ≥ 90% of the limit", "warm", "beacon", 0.9),
    ]
    for name, mode, key, goal in rows:
        if mode == "warm" and "warm" not in first["modes"]:
            mode = cold
        cells = [share(result, mode, key, goal) for result in done]
        lines.append(f"| {name} ({mode}) | " + " | ".join(cells) + " |")
    base = first["inprocess"]["render"]["median_ms"]
    cells = []
    for result in done:
        growth = result["inprocess"]["render"]["median_ms"] / base
        cells.append(f"{growth:.2f} × ({'met' if growth <= 1.2 else 'not met'})")
    lines.append(
        f"| Uncached article render ≤ 1.2 × that at {first['size']:,} articles | "
        + " | ".join(cells)
        + " |"
    )
    cells = []
    for result in done:
        queries = result["inprocess"]["render"]["queries_max"]
        cells.append(f"{queries} ({'met' if queries <= 8 else 'not met'})")
    lines.append(
        "| At most 8 SQL queries for an uncached article page | "
        + " | ".join(cells)
        + " |"
    )
    if all("tasks_queued" in result for result in done):
        lines.append(
            "| Tasks queued by the reader pages (in process and under load) | "
            + " | ".join(str(result["tasks_queued"]) for result in done)
            + " |"
        )
    cells = []
    for result in done:
        search = result["inprocess"]["search"]
        median, p95 = fmt_ms(search["median_ms"]), fmt_ms(search["p95_ms"])
        cells.append(f"median {median} ms, p95 {p95} ms")
    lines += [
        "| Search latency on PostgreSQL, in process | " + " | ".join(cells) + " |",
        "",
    ]
    return lines


# Main -------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark Newsroom's public pages under gunicorn.",
    )
    parser.add_argument(
        "--sizes",
        default="1000 100000",
        help='article counts, e.g. "1000 100000" (default)',
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 3 s per figure, fewer renders"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a bench database that already has that many articles",
    )
    parser.add_argument("--duration", type=int, help="seconds per figure (10; quick 3)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--renders", type=int, help="article renders (30; quick 10)")
    parser.add_argument(
        "--wait-quiet",
        type=int,
        help="seconds to wait for other processes to idle before each server "
        "(30; quick 0)",
    )
    parser.add_argument(
        "--pages",
        help="only these page types under load, e.g. articles,beacon "
        f"(of {', '.join(key for key, _ in PAGES)})",
    )
    parser.add_argument(
        "--editor-repeats",
        type=int,
        help="requests per editor's action, bench/editor.py (5; quick 3)",
    )
    parser.add_argument(
        "--editor-bulk-timeout",
        type=int,
        default=120,
        help="stop the editor's bulk action after this many seconds (120)",
    )
    parser.add_argument(
        "--no-editor", action="store_true", help="leave out the editor's side"
    )
    parser.add_argument(
        "--no-wordpress",
        action="store_true",
        help="leave out the WordPress import (10,000 posts; quick 500)",
    )
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument("--loadgen", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--output", help="report file (default: bench/results/…)")
    options = parser.parse_args(argv)
    try:
        options.sizes = [int(size) for size in options.sizes.replace(",", " ").split()]
    except ValueError:
        parser.error("--sizes takes whole numbers")
    if not options.sizes or min(options.sizes) < 1:
        parser.error("--sizes needs at least one size of 1 or more")
    options.pages = set(options.pages.split(",")) if options.pages else set()
    if unknown := options.pages - {key for key, _ in PAGES}:
        parser.error(f"--pages: no page type {', '.join(sorted(unknown))}")
    options.duration = options.duration or (3 if options.quick else 10)
    options.renders = options.renders or (10 if options.quick else 30)
    options.search_passes = 1 if options.quick else 3
    options.page_renders = 1 if options.quick else 3
    options.editor = not options.no_editor
    options.wordpress = not options.no_wordpress
    options.editor_repeats = options.editor_repeats or (3 if options.quick else 5)
    options.editor_bulk = 500
    options.editor_bulk_repeats = 1
    if options.wait_quiet is None:
        options.wait_quiet = 0 if options.quick else 30
    return options


def on_signal(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def clear_cache(options):
    """Delete this run's keys from Redis (each server used its own prefix)."""
    with contextlib.suppress(Exception):
        import redis

        client = redis.Redis(host=HOST, port=6379, db=options.redis_db)
        keys = list(client.scan_iter(match=f"{options.run_id}-*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])


def main(argv=None):
    options = parse_args(argv)
    signal.signal(signal.SIGTERM, on_signal)
    started = datetime.datetime.now(datetime.UTC)
    clock = time.monotonic()
    options.run_id = f"bench-{os.getpid()}-{secrets.token_hex(3)}"
    options.secret_key = secrets.token_urlsafe(50)
    options.workdir = tempfile.mkdtemp(prefix="newsroom-bench-")
    results, failed = [], False
    try:
        ensure_postgresql()
        ensure_redis()
        options.loadgen = ensure_wrk(options.loadgen)
        options.has_page_cache = page_cache_switch(options, options.sizes[0])
        if not options.has_page_cache:
            log("no NEWSROOM_PAGE_CACHE switch in the settings: one mode only (as-is)")
        for size in options.sizes:
            results.append(bench_size(size, options))
        if options.wordpress and results:
            results[-1]["wordpress"] = wordpress_import(options)
    except BaseException:
        failed = True
        raise
    finally:
        clear_cache(options)
        if results and "modes" in results[-1]:
            text = report(results, options, started, time.monotonic() - clock)
            print(text)
            if not failed or options.output:
                output = (
                    Path(options.output) if options.output else default_output(options)
                )
                output.parent.mkdir(parents=True, exist_ok=True)
                output.write_text(text)
                log(f"report written to {output}")
        if failed:
            log(f"logs kept in {options.workdir}")
        else:
            shutil.rmtree(options.workdir, ignore_errors=True)


def default_output(options):
    host = re.sub(r"[^A-Za-z0-9.-]+", "-", socket.gethostname()) or "host"
    date = datetime.date.today().isoformat()
    return RESULTS_DIR / f"{date}-{host}{'-quick' if options.quick else ''}.md"


if __name__ == "__main__":
    main()
