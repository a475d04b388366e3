"""`make loadtest`: the two-server setup under load, while things fail.

Starts, in a temporary folder and on free ports, everything of its own:
a PostgreSQL cluster (initdb as the `postgres` user), a redis-server, two
gunicorn app servers (deploy/gunicorn.conf.py), a task worker, Varnish
(deploy/varnish/default.vcl) and nginx (deploy/nginx.conf, TLS), configured
as deploy/check.sh --e2e configures them. It never touches the machine's own
PostgreSQL or Redis, and stops what it started (by process id) however it
ends, Ctrl-C included.

Then, for --duration seconds (60), --connections (64) readers through nginx
ask for a realistic mix: mostly --articles (1,000) rotating article pages,
then the front page, section fronts, search and view beacons (sent from
loopback addresses of their own, 127.1.0.1 on: at most 40 per address and
never twice for one article, so that every beacon accepted should count);
an editor signed in to the admin over HTTPS saves a headline or publishes a
draft every 10 s; and on a schedule:

    baseline           nothing fails
    redis down         redis-server stopped for 10 s, then started empty
    postgres restart   PostgreSQL stopped (fast) for --pg-down seconds (5)
    app server killed  one gunicorn (master and workers) killed with
                       SIGKILL, started again --app-down seconds (5) later
    unpublish          the editor unpublishes a live article whose page is
                       cached; every request for it afterwards must be 404

It prints per phase: requests, 5xx, other failures, p50/p99, reads lost,
editor saves attempted/committed/refused-with-a-message/lost, beacons
accepted (204) vs counted (in the database after a final flush; each phase's
beacons name articles of their own), stale pages served after the
unpublish; then the targets and whether each held. JSON in bench/results/.

    .venv/bin/python bench/loadtest.py [--duration 60] [--connections 64]
        [--articles 1000] [--keep]

Needs nginx, varnish, redis-server, PostgreSQL's server binaries
(/usr/lib/postgresql/*/bin) and root (for `runuser -u postgres`, and nginx
and varnishd drop to their own users). See docs/operations.md, "Load and
fault test", and docs/performance.md, "Under load and faults".
"""

import argparse
import asyncio
import contextlib
import datetime
import glob
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.editor import form_data  # noqa: E402

PYTHON = str(Path(sys.executable))
HOST = "127.0.0.1"
RESULTS_DIR = BASE_DIR / "bench" / "results"
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)
EDITOR = "loadtest-editor"
ADMIN = "/admin/articles/article/"
# The reader mix: (kind, weight).
MIX = [("article", 70), ("front", 8), ("section", 7), ("search", 5), ("beacon", 10)]
SEARCHES = ["minister", "election", "storm", "court", "budget", "football"]
PHASES = [
    "baseline",
    "redis down",
    "postgres restart",
    "app server killed",
    "unpublish",
]
EDITOR_EVERY = 10.0
BEACONS_PER_ADDRESS = 40


def log(message):
    print(
        f"[loadtest {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True
    )


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def run(cmd, *, env=None, check=True, capture=False, timeout=600):
    result = subprocess.run(  # noqa: S603 (our own fixed commands)
        [str(part) for part in cmd],
        cwd=BASE_DIR,
        env=env,
        capture_output=capture,
        text=True,
        check=False,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        details = (result.stderr or "") + (result.stdout or "") if capture else ""
        raise RuntimeError(f"{cmd[0]} failed ({result.returncode}): {details[-2000:]}")
    return result


def pg_bin():
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda path: int(re.search(r"/(\d+)/bin", path).group(1)),
    )
    if not found:
        raise SystemExit(
            "PostgreSQL's server binaries (/usr/lib/postgresql/*/bin) are missing"
        )
    return Path(found[-1]).parent


# The setup: every process ours, stopped by its id ------------------------------


class Stack:
    """The services of one run, in a temporary folder."""

    def __init__(self, options):
        self.options = options
        self.tmp = Path(tempfile.mkdtemp(prefix="newsroom-loadtest."))
        self.tmp.chmod(0o755)  # postgres, nginx and varnishd's users read it
        self.processes = {}  # name: Popen
        self.pg = pg_bin()
        self.ports = {
            name: free_port()
            for name in (
                "postgres",
                "redis",
                "app1",
                "app2",
                "varnish",
                "http",
                "https",
            )
        }
        self.pgdata = self.tmp / "pgdata"
        self.nginx_started = False
        self.pg_started = False

    # PostgreSQL, as the postgres user

    def as_postgres(self, *cmd, check=True):
        return run(["runuser", "-u", "postgres", "--", *cmd], check=check, capture=True)

    def pg_ctl(self, action, *extra, check=True):
        return self.as_postgres(
            self.pg / "pg_ctl",
            action,
            "-D",
            self.pgdata,
            "-w",
            "-t",
            "60",
            *extra,
            check=check,
        )

    def start_postgres(self):
        if not self.pgdata.exists():
            self.pgdata.mkdir()
            shutil.chown(self.pgdata, "postgres", "postgres")
            socket_dir = self.tmp / "pgsocket"
            socket_dir.mkdir()
            shutil.chown(socket_dir, "postgres", "postgres")
            self.as_postgres(
                self.pg / "initdb",
                "-D",
                self.pgdata,
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
            )
        options = (
            f"-p {self.ports['postgres']} -c listen_addresses={HOST} "
            f"-k {self.tmp / 'pgsocket'} -c max_connections=200"
        )
        self.pg_ctl(
            "start", "-o", options, "-l", self.tmp / "pgsocket" / "postgres.log"
        )
        self.pg_started = True

    def stop_postgres(self, mode="fast"):
        self.pg_ctl("stop", "-m", mode, check=False)

    def psql(self, sql, database="newsroom"):
        result = run(
            [
                self.pg / "psql",
                "-h",
                HOST,
                "-p",
                self.ports["postgres"],
                "-U",
                "postgres",
                "-d",
                database,
                "-tAc",
                sql,
            ],
            capture=True,
        )
        return result.stdout.strip()

    # Redis

    def start_redis(self):
        cmd = [
            "redis-server",
            "--port",
            self.ports["redis"],
            "--bind",
            HOST,
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            self.tmp,
            "--maxmemory",
            "256mb",
            "--maxmemory-policy",
            "allkeys-lru",
        ]
        self.spawn("redis", cmd)
        for _ in range(50):
            result = run(
                ["redis-cli", "-p", self.ports["redis"], "ping"],
                check=False,
                capture=True,
            )
            if result.stdout.strip() == "PONG":
                return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    # Processes

    def spawn(self, name, cmd, env=None):
        logfile = open(self.tmp / f"{name}.log", "a")  # noqa: SIM115 (kept open)
        self.processes[name] = subprocess.Popen(  # noqa: S603 (fixed commands)
            [str(part) for part in cmd],
            cwd=BASE_DIR,
            env=env,
            stdout=logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a group of its own: killed with its children
        )
        return self.processes[name]

    def kill(self, name, sig=signal.SIGTERM, wait=20):
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def start_app(self, name):
        env = {
            **self.env,
            "GUNICORN_BIND": f"{HOST}:{self.ports[name]}",
            "GUNICORN_WORKERS": str(self.options.workers),
        }
        self.spawn(
            name,
            [
                PYTHON,
                "-m",
                "gunicorn",
                "--config",
                "deploy/gunicorn.conf.py",
                "newsroom.wsgi",
            ],
            env,
        )

    def close(self):
        for name in list(self.processes):
            self.kill(name)
        if self.nginx_started and (self.tmp / "nginx.pid").exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int((self.tmp / "nginx.pid").read_text()), signal.SIGTERM)
            time.sleep(0.5)
        if self.pg_started:
            self.stop_postgres("immediate")
        if self.options.keep:
            log(f"kept {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # The site

    @property
    def site(self):
        return f"https://localhost:{self.ports['https']}"

    def configure(self):
        ports, tmp = self.ports, self.tmp
        self.env = {
            **os.environ,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
            "DJANGO_BEHIND_TLS_PROXY": "true",
            "DJANGO_CSRF_TRUSTED_ORIGINS": self.site,
            "DJANGO_LOG_LEVEL": "WARNING",
            "DATABASE_URL": f"postgres://postgres@{HOST}:{ports['postgres']}/newsroom",
            "REDIS_URL": f"redis://{HOST}:{ports['redis']}/0",
            "CACHE_KEY_PREFIX": "loadtest",
            "DJANGO_STATIC_ROOT": str(tmp / "static"),
            "DJANGO_MEDIA_ROOT": str(tmp / "media"),
            "NEWSROOM_HTTP_CACHES": f"http://{HOST}:{ports['varnish']}",
            "NEWSROOM_CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
            "NEWSROOM_CLIENT_IP_PROXIES": "2",
            "GUNICORN_ACCESS_LOG": "",
        }
        # Varnish: the shipped VCL with the two app servers.
        shutil.copy(BASE_DIR / "deploy/varnish/default.vcl", tmp / "default.vcl")
        probe = (
            '.probe = { .url = "/healthz"; .interval = 1s; .window = 3; '
            ".threshold = 2; .initial = 2; }"
        )
        (tmp / "backends.vcl").write_text(
            f'backend web1 {{ .host = "{HOST}"; .port = "{ports["app1"]}"; {probe} }}\n'
            f'backend web2 {{ .host = "{HOST}"; .port = "{ports["app2"]}"; {probe} }}\n'
            "sub vcl_init { app.add_backend(web1); app.add_backend(web2); }\n"
            'acl purgers { "127.0.0.1"; "::1"; }\n'
            'acl tls_proxies { "127.0.0.1"; "::1"; }\n'
        )
        # nginx: deploy/nginx.conf on local ports (as deploy/check.sh does).
        run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
                "-keyout",
                tmp / "key.pem",
                "-out",
                tmp / "cert.pem",
            ],
            capture=True,
        )
        for folder in ("static", "media", "nginx-temp"):
            (tmp / folder).mkdir(exist_ok=True)
        conf = (BASE_DIR / "deploy/nginx.conf").read_text()
        for old, new in [
            ("listen 80;", f"listen {HOST}:{ports['http']};"),
            ("listen 443 ssl http2;", f"listen {HOST}:{ports['https']} ssl http2;"),
            (
                "/etc/letsencrypt/live/news.example.org/fullchain.pem",
                str(tmp / "cert.pem"),
            ),
            (
                "/etc/letsencrypt/live/news.example.org/privkey.pem",
                str(tmp / "key.pem"),
            ),
            ("server 127.0.0.1:6081;", f"server {HOST}:{ports['varnish']};"),
            ("server 10.0.0.11:8000", f"server {HOST}:{ports['app1']}"),
            ("server 10.0.0.12:8000", f"server {HOST}:{ports['app2']}"),
            ("/srv/newsroom/", f"{tmp}/"),
            ("news.example.org", "localhost"),
        ]:
            conf = conf.replace(old, new)
        conf = "\n".join(
            line for line in conf.splitlines() if "listen [::]" not in line
        )
        (tmp / "newsroom.conf").write_text(conf)
        (tmp / "nginx-main.conf").write_text(
            f"worker_processes 1;\npid {tmp}/nginx.pid;\n"
            f"error_log {tmp}/nginx-error.log;\n"
            "events { worker_connections 1024; }\nhttp {\n"
            "  include /etc/nginx/mime.types;\n  access_log off;\n"
            + "".join(
                f"  {kind}_temp_path {tmp}/nginx-temp/{kind};\n"
                for kind in ("proxy", "fastcgi", "uwsgi", "scgi")
            )
            + f"  client_body_temp_path {tmp}/nginx-temp/body;\n"
            f"  include {tmp}/newsroom.conf;\n}}\n"
        )

    def manage(self, *args, capture=False):
        # Varnish is not running yet (or any more): nothing to purge.
        env = {**self.env, "NEWSROOM_HTTP_CACHES": ""}
        return run([PYTHON, "manage.py", *args], env=env, capture=capture)

    def shell(self, code):
        env = {**self.env, "NEWSROOM_HTTP_CACHES": ""}
        result = run(
            [PYTHON, "manage.py", "shell", "-v", "0", "-c", code], env=env, capture=True
        )
        return json.loads(result.stdout.strip().splitlines()[-1])

    def build(self):
        options = self.options
        log(f"working in {self.tmp}; ports {self.ports}")
        self.start_postgres()
        self.start_redis()
        self.configure()
        self.psql("CREATE DATABASE newsroom", database="postgres")
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("collectstatic", "--noinput", "-v", "0")
        run(["chmod", "-R", "a+rX", self.tmp / "static"])
        log(f"generating {options.articles:,} articles")
        self.manage("generate_articles", options.articles, "--seed", "1")
        self.manage("refresh_related", "-v", "0")
        run(
            [
                self.pg / "vacuumdb",
                "-h",
                HOST,
                "-p",
                self.ports["postgres"],
                "-U",
                "postgres",
                "--analyze",
                "--quiet",
                "newsroom",
            ]
        )
        self.password = secrets.token_urlsafe(16)
        self.paths = self.shell(
            PATHS_CODE.replace("PASSWORD", self.password).replace(
                "ARTICLES", str(options.articles)
            )
        )
        log(
            f"{len(self.paths['articles'])} article pages, "
            f"{len(self.paths['sections'])} sections, "
            f"{len(self.paths['drafts'])} drafts to publish"
        )
        self.start_app("app1")
        self.start_app("app2")
        self.spawn(
            "worker", [PYTHON, "manage.py", "run_worker", "--interval", "1"], self.env
        )
        self.spawn(
            "varnish",
            [
                "varnishd",
                "-F",
                "-n",
                self.tmp / "varnish",
                "-a",
                f"{HOST}:{self.ports['varnish']}",
                "-f",
                self.tmp / "default.vcl",
                "-s",
                "malloc,256m",
                "-T",
                "none",
            ],
        )
        run(
            [
                "nginx",
                "-c",
                self.tmp / "nginx-main.conf",
                "-e",
                self.tmp / "nginx-error.log",
            ]
        )
        self.nginx_started = True


# What the readers ask for, the editor's account and articles (a manage.py shell).
PATHS_CODE = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from articles.models import Article
from sections.models import Section
user, _ = get_user_model().objects.get_or_create(
    username="EDITOR", defaults={"is_staff": True}
)
user.set_password("PASSWORD")
user.save()
user.groups.add(Group.objects.get(name="Editor"))
live = list(Article.objects.live().newest_first()[:ARTICLES])
sections = sorted({a.section.get_absolute_url() for a in live if a.section_id})
drafts = Article.objects.filter(status=Article.Status.DRAFT)
drafts = list(drafts.values_list("pk", flat=True)[:20])
print(json.dumps({
    "articles": [[a.pk, a.get_absolute_url()] for a in live],
    "sections": sections[:12],
    "drafts": drafts,
}))
""".replace("EDITOR", EDITOR)


# A small HTTP/1.1 client over TLS, with keep-alive -----------------------------


class Http:
    def __init__(self, port, context, timeout=15.0, source=None):
        self.port, self.context, self.timeout = port, context, timeout
        self.source = source  # the address to connect from (a reader's own)
        self.reader = self.writer = None

    async def close(self):
        if self.writer:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, method, path, headers=None, body=b""):
        try:
            return await asyncio.wait_for(
                self._request(method, path, headers, body), self.timeout
            )
        except (
            OSError,
            TimeoutError,
            asyncio.IncompleteReadError,
            ValueError,
            ssl.SSLError,
        ):
            await self.close()
            return 0, {}, b""

    async def _request(self, method, path, headers, body):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(
                HOST,
                self.port,
                ssl=self.context,
                server_hostname="localhost",
                local_addr=(self.source, 0) if self.source else None,
            )
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: localhost:{self.port}",
            f"User-Agent: {USER_AGENT}",
        ]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("closed")
        status = int(status_line.split()[1])
        answer = {}
        while True:
            line = (await self.reader.readline()).decode("latin-1").rstrip("\r\n")
            if not line:
                break
            name, _, value = line.partition(":")
            name = name.lower()
            value = value.strip()
            if name == "set-cookie":
                answer.setdefault("set-cookie", []).append(value)
            else:
                answer[name] = value
        if method == "HEAD" or status in (204, 304):
            content = b""
        elif answer.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    while (await self.reader.readline()) not in (b"\r\n", b""):
                        pass
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            content = b"".join(parts)
        elif "content-length" in answer:
            content = await self.reader.readexactly(int(answer["content-length"]))
        else:
            content = await self.reader.read()
            await self.close()
        if answer.get("connection", "").lower() == "close":
            await self.close()
        return status, answer, content


# The run -------------------------------------------------------------------------


class Run:
    def __init__(self, stack, options):
        self.stack, self.options = stack, options
        self.context = ssl.create_default_context()
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE
        self.port = stack.ports["https"]
        self.records = []  # (start, kind, status, seconds, x-cache)
        self.events = []  # (time, text)
        self.windows = {}  # outage: [start, end]
        self.editor_actions = []
        # "phase | kind | status | body": [count, first start, last start]
        self.failures = {}
        self.beacons = {
            phase: {"sent": 0, "accepted": 0, "ids": []} for phase in PHASES
        }
        self.unpublish = {"article": None, "at": None, "stale": 0, "checked": 0}
        self.rng = random.Random(1)  # noqa: S311 (a load mix, not secrets)
        self.address = 0
        paths = stack.paths
        self.articles = paths["articles"]
        # The editor's articles and the one unpublished: kept out of beacons.
        self.edited = [pk for pk, _ in self.articles[1:40:3]]
        self.retracted = self.articles[2]
        reserved = set(self.edited) | {self.retracted[0]}
        free = [pk for pk, _ in self.articles if pk not in reserved]
        for index, phase in enumerate(PHASES):
            self.beacons[phase]["ids"] = free[index :: len(PHASES)]

    def now(self):
        return time.monotonic() - self.t0

    def phase_at(self, moment):
        for phase, start in reversed(self.schedule):
            if moment >= start:
                return phase
        return PHASES[0]

    def event(self, text):
        self.events.append((round(self.now(), 2), text))
        log(f"  t={self.now():5.1f} s  {text}")

    def next_address(self):
        """A loopback address of its own (127.1.0.1 on): nginx sees each
        reader's beacons come from their own address, as on the Internet
        (an X-Forwarded-For sent by a client is rightly ignored)."""
        self.address += 1
        n = self.address
        return f"127.{1 + n // 64516}.{1 + n // 254 % 254}.{1 + n % 254}"

    async def reader(self, deadline):
        http = Http(self.port, self.context)
        beacon_http, used = None, set()
        kinds = [kind for kind, _ in MIX]
        weights = [weight for _, weight in MIX]
        paths = self.stack.paths
        while self.now() < deadline:
            kind = self.rng.choices(kinds, weights)[0]
            headers, body, method = {}, b"", "GET"
            if kind == "article":
                path = self.rng.choice(self.articles)[1]
                if path == self.retracted[1] and self.unpublish["at"]:
                    kind = "retracted"
            elif kind == "front":
                path = "/"
            elif kind == "section":
                path = self.rng.choice(paths["sections"])
            elif kind == "search":
                path = f"/search/?q={self.rng.choice(SEARCHES)}"
            else:
                # A reader's beacons: under the per-address rate limit (60 a
                # minute), never twice the same article (a repeat is not
                # counted), so that every beacon accepted should be counted.
                phase = self.phase_at(self.now())
                unread = [pk for pk in self.beacons[phase]["ids"] if pk not in used]
                if (
                    beacon_http is None
                    or len(used) >= BEACONS_PER_ADDRESS
                    or not unread
                ):
                    if beacon_http:
                        await beacon_http.close()
                    beacon_http = Http(
                        self.port, self.context, source=self.next_address()
                    )
                    used, unread = set(), self.beacons[phase]["ids"]
                article = self.rng.choice(unread)
                used.add(article)
                method, path = "POST", "/beacon/view/"
                body = f"article={article}".encode()
                headers = {"Content-Type": "application/x-www-form-urlencoded"}
            start = self.now()
            client = beacon_http if kind == "beacon" else http
            status, answer, content = await client.request(method, path, headers, body)
            if status >= 500 or status == 0:
                snippet = re.sub(r"\s+", " ", content[:300].decode("utf-8", "replace"))
                key = f"{self.phase_at(start)} | {kind} | {status} | {snippet[:120]}"
                seen = self.failures.setdefault(key, [0, start, start])
                seen[0] += 1
                seen[2] = start
            if kind == "beacon":
                self.beacons[phase]["sent"] += 1
                self.beacons[phase]["accepted"] += status == 204
            self.records.append(
                (
                    start,
                    kind,
                    status,
                    self.now() - start,
                    answer.get("x-cache", ""),
                    answer.get("x-page-cache", ""),
                )
            )
        await http.close()
        if beacon_http:
            await beacon_http.close()

    async def retraction_watch(self, deadline):
        """After the unpublish, ask for the article's page all the time."""
        http = Http(self.port, self.context)
        while self.now() < deadline:
            if self.unpublish["at"] is not None:
                status, _, _ = await http.request("GET", self.retracted[1])
                self.unpublish["checked"] += 1
                self.unpublish["stale"] += status == 200
                if status not in (200, 404):
                    self.unpublish.setdefault("other", []).append(status)
            await asyncio.sleep(0.05)
        await http.close()

    # The editor

    async def editor_request(self, http, method, path, fields=None):
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Origin": self.stack.site,
            "Referer": self.stack.site + path,
        }
        body = b""
        if fields is not None:
            from urllib.parse import urlencode

            body = urlencode(fields, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, answer, content = await http.request(method, path, headers, body)
        for cookie in answer.get("set-cookie", []):
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";")[0]
        return status, answer, content.decode("utf-8", "replace")

    async def sign_in(self, http):
        self.cookies = {}
        status, _, html = await self.editor_request(http, "GET", "/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or not token:
            raise RuntimeError(f"the sign-in form answered {status}")
        fields = {
            "csrfmiddlewaretoken": token.group(1),
            "username": EDITOR,
            "password": self.stack.password,
            "next": "/admin/",
        }
        status, _, html = await self.editor_request(
            http, "POST", "/admin/login/", fields
        )
        if status != 302:
            raise RuntimeError(f"signing in answered {status}: {html[:500]}")

    async def editor_action(self, http, kind, article_id, number):
        """Open the change form, change it, submit it; classify the answer."""
        action = {
            "kind": kind,
            "article": article_id,
            "start": round(self.now(), 2),
            "phase": self.phase_at(self.now()),
        }
        path = f"{ADMIN}{article_id}/change/"
        status, _, html = await self.editor_request(http, "GET", path)
        if status == 302:  # signed out (the session is in the database)
            await self.sign_in(http)
            status, _, html = await self.editor_request(http, "GET", path)
        if status != 200:
            action.update(
                answer=status, outcome=self.refusal(status, html), step="open"
            )
            return action
        data = form_data(html)
        if kind == "save":
            action["headline"] = f"Loadtest edit {number}: {data.get('headline', '')}"[
                :200
            ]
            data["headline"] = action["headline"]
            data["_save"] = "Save"
        else:
            data["_transition"] = kind
        status, answer, html = await self.editor_request(http, "POST", path, data)
        action["answer"] = status
        action["location"] = answer.get("location", "")
        if status == 302 and "/login/" not in action["location"]:
            action["outcome"] = "said saved"
        else:
            action["outcome"] = self.refusal(status, html)
            errors = re.findall(
                r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S
            )
            if errors:
                action["message"] = re.sub(r"<[^>]+>", " ", errors[0]).strip()[:200]
        action["took"] = round(self.now() - action["start"], 2)
        return action

    @staticmethod
    def refusal(status, html):
        if status == 503 or (status == 200 and "errorlist" in html):
            return "refused with a message"
        return "failed"

    async def editor(self, deadline):
        http = Http(self.port, self.context, timeout=40)
        await self.sign_in(http)
        drafts = list(self.stack.paths["drafts"])
        edits = list(self.edited)
        number = 0
        while True:
            number += 1
            moment = EDITOR_EVERY * number - EDITOR_EVERY / 2
            if moment >= deadline:
                break
            await asyncio.sleep(max(0.0, moment - self.now()))
            kind = "publish" if number % 2 == 0 and drafts else "save"
            article = drafts.pop(0) if kind == "publish" else edits.pop(0)
            action = await self.editor_action(http, kind, article, number)
            self.editor_actions.append(action)
            self.event(
                f"editor: {kind} {article}: {action.get('answer')} "
                f"({action['outcome']})"
            )
        await http.close()

    async def unpublish_retracted(self, at):
        await asyncio.sleep(max(0.0, at - self.now()))
        http = Http(self.port, self.context, timeout=40)
        await self.sign_in(http)
        action = await self.editor_action(http, "unpublish", self.retracted[0], 0)
        self.editor_actions.append(action)
        if action["outcome"] == "said saved":
            self.unpublish["at"] = self.now()
        self.unpublish["article"] = self.retracted[1]
        self.event(f"editor: unpublish {self.retracted[0]}: {action.get('answer')}")
        await http.close()

    # The faults

    async def faults(self):
        stack, options = self.stack, self.options
        at = dict(self.schedule)

        async def until(moment):
            await asyncio.sleep(max(0.0, moment - self.now()))

        await until(at["redis down"] + 1)
        start = self.now()
        await asyncio.to_thread(stack.kill, "redis")
        self.event("redis-server stopped")
        await until(start + options.redis_down)
        await asyncio.to_thread(stack.start_redis)
        self.windows["redis"] = [start, self.now()]
        self.event("redis-server started (empty)")

        await until(at["postgres restart"] + 1)
        start = self.now()
        await asyncio.to_thread(stack.stop_postgres)
        self.event("PostgreSQL stopped")
        await until(start + options.pg_down)
        await asyncio.to_thread(stack.start_postgres)
        self.windows["postgres"] = [start, self.now()]
        self.event("PostgreSQL started")

        await until(at["app server killed"] + 1)
        start = self.now()
        await asyncio.to_thread(stack.kill, "app1", signal.SIGKILL)
        self.event("app server 1 killed (SIGKILL, master and workers)")
        await until(start + options.app_down)
        await asyncio.to_thread(stack.start_app, "app1")
        self.windows["app1"] = [start, self.now()]
        self.event("app server 1 started again")

    async def warm_up(self):
        """Every page once through the chain, 8 at a time, as a site in use."""
        paths = [path for _, path in self.articles] + [
            "/",
            *self.stack.paths["sections"],
        ]
        paths += [f"/search/?q={word}" for word in SEARCHES]
        queue = list(paths)
        bad = []

        async def client():
            http = Http(self.port, self.context, timeout=60)
            while queue:
                path = queue.pop()
                status, _, _ = await http.request("GET", path)
                if status != 200:
                    bad.append((path, status))
            await http.close()

        await asyncio.gather(*(client() for _ in range(8)))
        return len(paths), bad

    async def wait_ready(self):
        http = Http(self.port, self.context, timeout=10)
        for _ in range(120):
            status, _, body = await http.request("GET", "/readyz")
            if status == 200:
                await http.close()
                return
            await asyncio.sleep(1)
        raise RuntimeError(f"/readyz did not turn 200: {body[:500]}")

    async def main(self):
        options = self.options
        await self.wait_ready()
        await asyncio.sleep(3)  # both backends' probes healthy
        log("warming up: every page once")
        count, bad = await self.warm_up()
        log(f"  {count} pages, {len(bad)} not 200: {bad[:5]}")
        self.before = self.counted_reads()
        d = options.duration
        self.schedule = [
            ("baseline", 0.0),
            ("redis down", d * 0.15),
            ("postgres restart", d * 0.4),
            ("app server killed", d * 0.6),
            ("unpublish", d * 0.8),
        ]
        log(f"load: {options.connections} connections for {d} s")
        self.t0 = time.monotonic()
        await asyncio.gather(
            *(self.reader(d) for _ in range(options.connections)),
            self.retraction_watch(d),
            self.editor(d),
            self.unpublish_retracted(d * 0.8 + 1),
            self.faults(),
        )
        log("load done; flushing buffered reads")

    def counted_reads(self):
        today = datetime.date.today().isoformat()
        rows = self.stack.psql(
            "SELECT article_id, sum(views) FROM related_dailyviewcount "  # noqa: S608
            f"WHERE day = '{today}' GROUP BY article_id"
        )
        return {
            int(a): int(v) for a, v in (line.split("|") for line in rows.splitlines())
        }


# The report -------------------------------------------------------------------


def percentile(values, share):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))]


def in_window(record, window, grace=0.0):
    """Return True if the request was under way at some moment of the
    outage `window` (or up to `grace` seconds after it): one sent just
    before PostgreSQL stopped may be answered while it is down."""
    start, seconds = record[0], record[3]
    return (
        window is not None
        and start <= window[1] + grace
        and (start + seconds >= window[0])
    )


def verify_editor(stack, actions):
    ids = sorted({action["article"] for action in actions})
    rows = stack.psql(
        "SELECT id, status, headline FROM articles_article "  # noqa: S608
        f"WHERE id IN ({','.join(map(str, ids))})"
    )
    found = {}
    for line in rows.splitlines():
        pk, status, headline = line.split("|", 2)
        found[int(pk)] = (status, headline)
    for action in actions:
        status, headline = found.get(action["article"], (None, None))
        if action["kind"] == "save":
            committed = "headline" in action and headline == action["headline"]
        elif action["kind"] == "publish":
            committed = status == "published"
        else:
            committed = status == "unpublished"
        action["committed"] = committed
        action["in_database"] = [status, headline]
        action["lost"] = action["outcome"] == "said saved" and not committed


def summarise(test, after):
    windows = test.windows
    counted = {
        article: views - test.before.get(article, 0) for article, views in after.items()
    }
    phases = {}
    ends = [start for _, start in test.schedule[1:]] + [test.options.duration]
    for (phase, start), end in zip(test.schedule, ends, strict=True):
        records = [r for r in test.records if start <= r[0] < end]
        reads = [r for r in records if r[1] not in ("beacon",)]
        # A read is lost when it got no page: a 5xx or no answer. The
        # unpublished article's 404 is the right answer.
        lost = [r for r in reads if r[2] == 0 or r[2] >= 500]
        actions = [a for a in test.editor_actions if a["phase"] == phase]
        beacons = test.beacons[phase]
        phases[phase] = {
            "window_s": [round(start, 1), round(end, 1)],
            "requests": len(records),
            "rps": round(len(records) / max(end - start, 1e-9), 1),
            "status_5xx": sum(1 for r in records if r[2] >= 500),
            "no_answer": sum(1 for r in records if r[2] == 0),
            "p50_ms": round(1000 * percentile([r[3] for r in records], 0.5) or 0, 1),
            "p99_ms": round(1000 * percentile([r[3] for r in records], 0.99) or 0, 1),
            "reads": len(reads),
            "reads_lost": len(lost),
            "varnish_hits": sum(1 for r in reads if r[4] == "HIT"),
            "editor": {
                "attempted": len(actions),
                "committed": sum(a["committed"] for a in actions),
                "refused_with_message": sum(
                    1
                    for a in actions
                    if a["outcome"] == "refused with a message" and not a["committed"]
                ),
                "failed_without_message": sum(
                    1
                    for a in actions
                    if a["outcome"] == "failed" and not a["committed"]
                ),
                "lost": sum(a["lost"] for a in actions),
            },
            "beacons": {
                "sent": beacons["sent"],
                "accepted": beacons["accepted"],
                "counted": sum(counted.get(pk, 0) for pk in beacons["ids"]),
            },
        }
    # Outside the outages (Redis and PostgreSQL down, a few seconds after).
    outside = [
        r
        for r in test.records
        if r[1] != "beacon"
        and not in_window(r, windows.get("postgres"), 5)
        and not in_window(r, windows.get("redis"), 2)
    ]
    pg = windows.get("postgres")
    during_pg = [r for r in test.records if r[1] != "beacon" and in_window(r, pg)]
    five_outside = [r for r in test.records if r[2] >= 500 and not in_window(r, pg, 5)]
    lost_outside = [r for r in outside if r[2] == 0 or r[2] >= 500]
    actions = test.editor_actions
    totals = {
        "five_xx_outside_postgres": len(five_outside),
        "five_xx_outside_by_phase": {
            phase: sum(1 for r in five_outside if test.phase_at(r[0]) == phase)
            for phase in PHASES
        },
        "reads_outside_outages": len(outside),
        "reads_lost_outside_outages": len(lost_outside),
        "reads_during_postgres_down": len(during_pg),
        "ok_during_postgres_down": sum(1 for r in during_pg if r[2] == 200),
        "hits_during_postgres_down": sum(
            1 for r in during_pg if r[2] == 200 and r[4] == "HIT"
        ),
        "app_stale_during_postgres_down": sum(
            1 for r in during_pg if r[2] == 200 and r[5] == "stale"
        ),
        "status_during_postgres_down": {
            str(code): sum(1 for r in during_pg if r[2] == code)
            for code in sorted({r[2] for r in during_pg})
        },
        "editor_lost": sum(a["lost"] for a in actions),
        "stale_after_unpublish": test.unpublish["stale"],
        "unpublish_checks": test.unpublish["checked"],
    }
    share = len(lost_outside) / max(len(outside), 1)
    targets = [
        (
            "No 5xx outside the PostgreSQL outage",
            totals["five_xx_outside_postgres"] == 0,
            f"{totals['five_xx_outside_postgres']} 5xx "
            f"{ {k: v for k, v in totals['five_xx_outside_by_phase'].items() if v} }",
        ),
        (
            "During it, cached pages still served",
            totals["ok_during_postgres_down"] > 0,
            f"{totals['ok_during_postgres_down']} of "
            f"{totals['reads_during_postgres_down']} "
            f"reads answered 200 while PostgreSQL was down "
            f"({totals['hits_during_postgres_down']} Varnish hits, "
            f"{totals['app_stale_during_postgres_down']} last copies from the app; "
            f"statuses {totals['status_during_postgres_down']})",
        ),
        ("No lost save", totals["editor_lost"] == 0, f"{totals['editor_lost']} lost"),
        (
            "Under 1 % of reads lost outside outages",
            share < 0.01,
            f"{len(lost_outside)} of {len(outside)} ({100 * share:.2f} %)",
        ),
        (
            "No stale page after the unpublish",
            totals["stale_after_unpublish"] == 0 and totals["unpublish_checks"] > 0,
            f"{totals['stale_after_unpublish']} stale of "
            f"{totals['unpublish_checks']} requests",
        ),
    ]
    return phases, totals, targets


def app_server_logs(stack):
    """Count the lines the app servers logged (gunicorn's and the site's),
    their tracebacks, and the lines saying the cache was unreachable."""
    counts = {"lines": 0, "tracebacks": 0, "cache_errors": 0}
    for name in ("app1", "app2"):
        path = stack.tmp / f"{name}.log"
        if not path.exists():
            continue
        for line in path.read_text(errors="replace").splitlines():
            counts["lines"] += 1
            counts["tracebacks"] += line.startswith("Traceback (most recent call")
            counts["cache_errors"] += "Error 111 connecting to" in line
    return counts


def report(test, phases, totals, targets):
    lines = [
        "",
        "| Phase | Window (s) | Requests | req/s | 5xx | No answer | p50 ms | "
        "p99 ms | Reads lost | Editor: attempted / committed / refused / lost | "
        "Beacons accepted / counted |",
        "|" + " --- |" * 11,
    ]
    for phase, f in phases.items():
        e, b = f["editor"], f["beacons"]
        lines.append(
            f"| {phase} | {f['window_s'][0]:.0f}–{f['window_s'][1]:.0f} | "
            f"{f['requests']:,} | {f['rps']:,.0f} | {f['status_5xx']} | "
            f"{f['no_answer']} | {f['p50_ms']:.0f} | "
            f"{f['p99_ms']:.0f} | {f['reads_lost']} of {f['reads']:,} | "
            f"{e['attempted']} / {e['committed']} / "
            f"{e['refused_with_message']} / {e['lost']}"
            + (
                f" (+{e['failed_without_message']} failed)"
                if e["failed_without_message"]
                else ""
            )
            + f" | {b['accepted']:,} / {b['counted']:,} |"
        )
    lines += [
        "",
        f"Stale pages served after the unpublish: "
        f"{totals['stale_after_unpublish']} of {totals['unpublish_checks']} requests",
        "",
        "| Target | Held | Measured |",
        "| --- | --- | --- |",
    ]
    lines += [
        f"| {name} | {'yes' if ok else '**no**'} | {text} |"
        for name, ok, text in targets
    ]
    logs = totals["app_server_logs"]
    lines += [
        "",
        f"App servers' logs: {logs['lines']:,} lines, {logs['tracebacks']:,} "
        f"tracebacks, {logs['cache_errors']:,} lines about the cache being "
        "unreachable",
    ]
    lines += ["", "Events:"] + [f"  t={t:5.1f} s  {text}" for t, text in test.events]
    if test.failures:
        lines += ["", "Failed requests (phase | kind | status | answer): count, when"]
        lines += [
            f"  {key}: {n} (t={first:.1f}–{last:.1f} s)"
            for key, (n, first, last) in sorted(test.failures.items())
        ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="per app server")
    parser.add_argument("--redis-down", type=float, default=10)
    parser.add_argument("--pg-down", type=float, default=5)
    parser.add_argument("--app-down", type=float, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    options = parser.parse_args(argv)
    if os.geteuid() != 0:
        raise SystemExit("run as root: PostgreSQL is started as the postgres user")
    for tool in (
        "nginx",
        "varnishd",
        "redis-server",
        "redis-cli",
        "openssl",
        "runuser",
    ):
        if not shutil.which(tool):
            raise SystemExit(
                f"{tool} is missing (apt-get install nginx varnish redis-server)"
            )

    stack = Stack(options)

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        stack.build()
        test = Run(stack, options)
        asyncio.run(test.main())
        time.sleep(2)
        stack.manage("flush_view_counts")
        after = test.counted_reads()
        verify_editor(stack, test.editor_actions)
        phases, totals, targets = summarise(test, after)
        totals["app_server_logs"] = app_server_logs(stack)
        text = report(test, phases, totals, targets)
        print(text)
        RESULTS_DIR.mkdir(exist_ok=True)
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H%M%SZ")
        out = RESULTS_DIR / f"loadtest-{stamp}.json"
        out.write_text(
            json.dumps(
                {
                    "options": vars(options),
                    "cpus": os.cpu_count(),
                    "phases": phases,
                    "totals": totals,
                    "targets": [
                        {"target": n, "held": ok, "measured": t} for n, ok, t in targets
                    ],
                    "events": test.events,
                    "windows": test.windows,
                    "failures": test.failures,
                    # [start s, seconds, kind, status] of every failed request
                    "failed_requests": [
                        [round(r[0], 3), round(r[3], 3), r[1], r[2]]
                        for r in test.records
                        if r[2] == 0 or r[2] >= 500
                    ],
                    "editor_actions": test.editor_actions,
                },
                indent=2,
            )
        )
        log(f"results: {out.relative_to(BASE_DIR)}")
        return 0 if all(ok for _, ok, _ in targets) else 1
    finally:
        stack.close()


if __name__ == "__main__":
    sys.exit(main())
