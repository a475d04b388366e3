"""The editor's side of `make bench`: what an editor's requests cost.

At each archive size, against a throwaway copy of the bench database
`newsroom_bench_<size>` (so the reader figures of later runs with `--reuse`
see the articles `generate_articles` made, untouched), an editor signs in to
the admin through Django's test client, in process, with the settings `make
bench` gives the site (production settings, PostgreSQL, Redis), and the
timed requests are the ones a browser sends:

(a) creating a draft: the add form's POST (headline, standfirst, body,
    section, three tags), "Save";
(b) an editor's headline-only save of a live article: the change form's POST
    with every field as the form showed it (the lost-update check's version
    included) but the headline, "Save";
(c) publishing a draft: the change form's POST with the workflow's "Publish"
    button (the drafts of (a));
(d) the bulk "Add a tag" action on 500 live articles: the changelist's POST
    with the tag chosen (`apply`), as the action's confirmation page sends it;

and the article list (the admin's changelist) as an editor opens it: its
first page, page 50, filtered by the most used tag, and the search box
(`minister`), before any of the above changes the data.

Each is repeated (median; (b) rotates over live articles, half the newest and
half spread over the archive, as the reader bench does) and measured with
`CaptureQueriesContext` (SQL queries), `time.process_time()` (this process's
CPU: the site's Python) and `time.perf_counter()` (wall, PostgreSQL's and
Redis's work included). The task backend is the site's: tasks are only
enqueued (a row in the queue's table), never run, during the request; the
tasks a request enqueues are counted. One more headline save, not timed,
groups its queries by table and by the project's code that sent them.

    .venv/bin/python bench/editor.py --size 1000
    .venv/bin/python bench/editor.py --size 1000 --size 100000 --repeats 7

Standalone it needs the bench database of each size (it runs
`generate_articles` like `make bench` when the database lacks them); `make
bench` runs it for each size after the load test (`bench/run.py`).
"""

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

HOST = "127.0.0.1"
ADMIN = "/admin/articles/article/"
BULK = 500
REPEATS = 5
BULK_TIMEOUT = 120
# The targets of the issue.
SAVE_MAX_QUERIES = 60
SAVE_MAX_RATIO = 3.0
SAVE_MAX_GROWTH = 1.2
BULK_MAX_MS = 2000
LIST_MAX_GROWTH = 1.5
# List loads are short: more of them for a steadier median.
LIST_REPEATS = 3
LIST_DEEP_PAGE = 50
LIST_SEARCH = "minister"
LIST_LOADS = [
    ("list_first", "The list's first page"),
    ("list_deep", f"Page {LIST_DEEP_PAGE} (or the last)"),
    ("list_tag", "Filtered by the most used tag"),
    ("list_search", f"Searched for “{LIST_SEARCH}”"),
]
ACTIONS = [
    ("draft", "(a) Create a draft (add form)"),
    ("headline", "(b) Headline save of a live article"),
    ("publish", "(c) Publish a draft (workflow button)"),
    ("bulk", f"(d) Bulk “Add a tag” on {BULK} live articles"),
    ("open", "Open a live article's change form (GET)"),
]


# The child: Django, the test client, the measurements ------------------------


class FormFields(HTMLParser):
    """The name/value pairs a browser would submit from one form of a page."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.depth = 0
        self.fields = []
        self.textarea = None
        self.select = None  # [name, multiple, options, selected]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if attrs.get("id") == self.form_id:
                self.inside = True
            return
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.fields.append((name, attrs.get("value") or default))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = [name, "multiple" in attrs, [], []]
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            self.select[2].append(value)
            if "selected" in attrs:
                self.select[3].append(value)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            name, value = self.textarea
            # The HTML parser drops the newline that may follow <textarea>.
            self.fields.append((name, value.removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            name, multiple, options, selected = self.select
            if not selected and options and not multiple:
                selected = options[:1]
            self.fields += [(name, value) for value in selected]
            self.select = None


def form_data(html, form_id="article_form"):
    """Return the form's fields as a dict of lists (the test client's format)."""
    parser = FormFields(form_id)
    parser.feed(html)
    data = {}
    for name, value in parser.fields:
        if "__prefix__" not in name:  # the inlines' templates for new rows
            data.setdefault(name, []).append(value)
    return {
        name: values if len(values) > 1 else values[0] for name, values in data.items()
    }


class SqlTimer:
    """An execute wrapper: the time the queries took, and the slowest ones
    (Django's query log keeps milliseconds only)."""

    def __init__(self, keep=3):
        self.seconds = 0.0
        self.keep = keep
        self.slow = []  # (seconds, sql), slowest first

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.seconds += elapsed
            if len(self.slow) < self.keep or elapsed > self.slow[-1][0]:
                self.slow.append((elapsed, sql[:400]))
                self.slow.sort(key=lambda item: -item[0])
                del self.slow[self.keep :]

    def slowest(self):
        return [{"ms": seconds * 1000, "sql": sql} for seconds, sql in self.slow]


class StopRequest(BaseException):
    """Raised by the alarm: a BaseException, so that no `except Exception`
    of the code measured (e.g. around a related list's refresh) swallows it."""


def child(options):
    """Measure in this process, on the database in DATABASE_URL; print JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article
    from bench.inprocess import article_sample

    try:
        from django.tasks.signals import task_enqueued
    except ImportError:
        from django_tasks.signals import task_enqueued

    # More queries than Django's 9,000-entry log holds (a bulk action may run
    # hundreds of thousands): CaptureQueriesContext counts from this log.
    connection.queries_limit = 10**7
    connection.queries_log = type(connection.queries_log)(maxlen=10**7)

    enqueued = Counter()

    def count_task(sender, task_result, **kwargs):
        enqueued[task_result.task.name] += 1

    task_enqueued.connect(count_task, dispatch_uid="bench-editor")

    run_tag = secrets.token_hex(3)
    log = options.log
    user, _ = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name="Editor"))
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)

    def get_form(path):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}")
        return form_data(response.content.decode())

    def timed(method, path, data=None, around=contextlib.nullcontext):
        enqueued.clear()
        sql = SqlTimer()
        with (
            around(),
            CaptureQueriesContext(connection) as queries,
            connection.execute_wrapper(sql),
        ):
            cpu, wall = time.process_time(), time.perf_counter()
            try:
                response = getattr(client, method)(path, data)
            finally:
                wall = time.perf_counter() - wall
                cpu = time.process_time() - cpu
        figure = {
            "queries": len(queries.captured_queries),
            "cpu_ms": cpu * 1000,
            "wall_ms": wall * 1000,
            "sql_ms": sql.seconds * 1000,
            "tasks": sum(enqueued.values()),
            "task_names": dict(enqueued),
            "slowest": sql.slowest(),
        }
        return response, figure

    def expect_redirect(response, what):
        if response.status_code == 302:
            return
        errors = ""
        if response.status_code == 200:
            found = re.findall(
                r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>',
                response.content.decode(),
                re.DOTALL,
            )
            errors = " ".join(re.sub(r"<[^>]+>", " ", e).strip() for e in found)
        raise SystemExit(
            f"{what}: answered {response.status_code}, not a redirect. {errors}"[:3000]
        )

    live = Article.objects.live()
    # Tags of the newest live articles: a draft is filed like the day's news.
    sample_tags = []
    for article in live.newest_first().prefetch_related("tags")[:20]:
        sample_tags += [t.name for t in article.tags.all() if t.name not in sample_tags]
    sample_tags = sample_tags[:3]
    section_id = live.newest_first().values_list("section_id", flat=True).first()

    def create_draft(number):
        data = get_form(f"{ADMIN}add/")
        headline = f"Bench draft {run_tag} {number}: talks resume on the border"
        data.update(
            {
                "headline": headline,
                "slug": f"bench-draft-{run_tag}-{number}",
                "standfirst": "Negotiators met again after a month without progress.",
                "body": "<p>Negotiators met again on Tuesday.</p>"
                "<h2>What was agreed</h2><p>Little, so far.</p>",
                "section": str(section_id),
                "tags": ", ".join(f'"{name}"' for name in sample_tags),
                "_save": "Save",
            }
        )
        response, figure = timed("post", f"{ADMIN}add/", data)
        expect_redirect(response, "creating a draft")
        return figure

    def headline_save(article, number, around=contextlib.nullcontext):
        path = f"{ADMIN}{article.pk}/change/"
        data = get_form(path)
        data["headline"] = f"{article.headline[:150]} (updated {run_tag}-{number})"
        data["_save"] = "Save"
        response, figure = timed("post", path, data, around)
        expect_redirect(response, f"saving live article {article.pk}")
        if Article.objects.get(pk=article.pk).headline != data["headline"]:
            raise SystemExit(f"the new headline of {article.pk} was not saved")
        return figure

    def publish(article_id):
        path = f"{ADMIN}{article_id}/change/"
        data = get_form(path)
        data["_transition"] = "publish"
        response, figure = timed("post", path, data)
        expect_redirect(response, f"publishing draft {article_id}")
        if Article.objects.get(pk=article_id).status != Article.Status.PUBLISHED:
            raise SystemExit(f"draft {article_id} was not published")
        return figure

    repeats = options.repeats
    results = {"repeats": repeats, "backend": task_backend_name(settings)}
    sample, live_count = article_sample(2 * repeats + 2)
    results["articles_total"] = Article.objects.count()
    results["articles_live"] = live_count
    results["tags"] = sample_tags

    log("warm-up")
    client.get(ADMIN)

    log(f"the article list: {LIST_REPEATS * repeats} loads of each")
    results.update(list_loads(client, timed, LIST_REPEATS * repeats))
    create_draft(0)
    headline_save(sample[-1], 0)

    log(f"(a) creating {repeats} drafts")
    runs = [create_draft(number) for number in range(1, repeats + 1)]
    results["draft"] = summary(runs)
    drafts = list(
        Article.objects.filter(slug__startswith=f"bench-draft-{run_tag}-")
        .exclude(slug=f"bench-draft-{run_tag}-0")
        .values_list("pk", flat=True)
    )

    log(f"(b) {repeats} headline saves of live articles")
    runs = [
        headline_save(article, number)
        for number, article in enumerate(sample[:repeats], 1)
    ]
    results["headline"] = summary(runs)
    results["headline_articles"] = [article.pk for article in sample[:repeats]]

    log("    one more, its queries grouped by table and code")
    results["headline_breakdown"] = breakdown(
        connection,
        lambda around: headline_save(sample[repeats], repeats + 1, around),
    )

    log(f"(c) publishing {len(drafts)} drafts")
    results["publish"] = summary([publish(pk) for pk in drafts])

    log(f"    opening {repeats} change forms")
    runs = []
    for article in sample[repeats + 1 : 2 * repeats + 1]:
        response, figure = timed("get", f"{ADMIN}{article.pk}/change/")
        if response.status_code != 200:
            raise SystemExit(f"the change form answered {response.status_code}")
        runs.append(figure)
    results["open"] = summary(runs)

    bulk_ids = list(live.newest_first().values_list("pk", flat=True)[: options.bulk])
    results["bulk_articles"] = len(bulk_ids)
    log(
        f"(d) bulk “Add a tag” on {len(bulk_ids)} live articles, "
        f"{options.bulk_repeats} time(s), stopped after {options.bulk_timeout} s"
    )
    runs = []
    for number in range(1, options.bulk_repeats + 1):
        data = {
            "action": "add_tag",
            "_selected_action": [str(pk) for pk in bulk_ids],
            "apply": "1",
            "tag": f"Bench bulk {run_tag} {number}",
        }
        figure = bulk_action(timed, data, options.bulk_timeout, connection)
        runs.append(figure)
        log(
            f"    {figure['wall_ms'] / 1000:.1f} s, {figure['queries']:,} queries"
            + (" (stopped)" if figure.get("stopped") else "")
        )
        if figure.get("stopped"):
            break
    results["bulk"] = summary(runs)
    results["bulk"]["stopped"] = any(run.get("stopped") for run in runs)
    results["bulk"]["answer"] = runs[-1].get("answer", "")
    results["bulk_timeout"] = options.bulk_timeout
    json.dump(results, sys.stdout)
    sys.stdout.write("\n")


def list_loads(client, timed, repeats):
    """Time the article list (the admin's changelist) as an editor opens it."""
    from taggit.models import Tag

    from django.contrib import admin
    from django.db.models import Count

    from articles.models import Article

    tag = Tag.objects.annotate(uses=Count("taggit_taggeditem_items")).order_by(
        "-uses", "pk"
    )[0]
    # Page 50, or the last page if the list has fewer (at 100 a page).
    per_page = admin.site.get_model_admin(Article).list_per_page
    deep = min(LIST_DEEP_PAGE, -(-Article.objects.count() // per_page))
    paths = {
        "list_first": ADMIN,
        "list_deep": f"{ADMIN}?p={deep}",
        "list_tag": f"{ADMIN}?tags__id__exact={tag.pk}",
        "list_search": f"{ADMIN}?q={LIST_SEARCH}",
    }
    figures = {
        "list_tags": Tag.objects.count(),
        "list_per_page": per_page,
        "list_tag": {"name": tag.name, "uses": tag.uses},
        "list_deep": {"page": deep},
    }
    for key, path in paths.items():
        timed("get", path)  # a warm-up: the first request of its kind
        runs = []
        for _ in range(repeats):
            response, figure = timed("get", path)
            if response.status_code != 200:
                raise SystemExit(f"GET {path} answered {response.status_code}")
            figure["kb"] = len(response.content) / 1024
            # The request's own work: its Python's CPU and its queries' time
            # (wall time adds the waits for cores other processes hold).
            figure["work_ms"] = figure["cpu_ms"] + figure["sql_ms"]
            runs.append(figure)
        figures[key] = {
            **figures.get(key, {}),
            **summary(runs),
            "kb": statistics.median(run["kb"] for run in runs),
            "work_ms": statistics.median(run["work_ms"] for run in runs),
            "path": path,
        }
    return figures


def task_backend_name(settings):
    backend = getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND", "")
    if "Immediate" in backend:
        # Tasks would run inside the timed requests: not what is measured.
        raise SystemExit(f"TASKS uses {backend}: the bench needs a queue.")
    return backend or "none"


def bulk_action(timed, data, timeout, connection):
    """POST the bulk action; stop it (SIGALRM) when it runs past `timeout`."""

    def stop(signum, frame):
        raise StopRequest

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(timeout)
    queries_before = len(connection.queries_log)
    started = time.perf_counter()
    cpu = time.process_time()
    try:
        response, figure = timed("post", ADMIN, data)
    except StopRequest:
        figure = {
            "queries": len(connection.queries_log) - queries_before,
            "cpu_ms": (time.process_time() - cpu) * 1000,
            "wall_ms": (time.perf_counter() - started) * 1000,
            "tasks": 0,
            "task_names": {},
            "stopped": True,
        }
        with contextlib.suppress(Exception):
            connection.close()
        return figure
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    if response.status_code not in (200, 302):
        raise SystemExit(f"the bulk action answered {response.status_code}")
    messages = response.cookies.get("messages")
    figure["answer"] = bulk_answer(response)
    if response.status_code == 200 and not figure["answer"] and not messages:
        raise SystemExit("the bulk action showed a page, not its result")
    return figure


def bulk_answer(response):
    """The message the action left for the editor (from the messages cookie)."""
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    morsel = response.cookies.get("messages")
    if morsel is None or not morsel.value:
        return ""
    request = HttpRequest()
    request.COOKIES["messages"] = morsel.value
    with contextlib.suppress(Exception):
        storage = CookieStorage(request)
        return " ".join(str(message) for message in storage)
    return ""


TABLE = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|SAVEPOINT|RELEASE|ROLLBACK)\b"
    r'(?:.*?\b(?:FROM|INTO|UPDATE)\s+"?([\w.]+)"?)?',
    re.IGNORECASE | re.DOTALL,
)


def statement_table(sql):
    """Return "VERB table" for a statement, e.g. "SELECT articles_article"."""
    if sql.lstrip().upper().startswith("UPDATE"):
        found = re.match(r'\s*UPDATE\s+"?([\w.]+)"?', sql, re.IGNORECASE)
        return f"UPDATE {found.group(1)}" if found else "UPDATE"
    found = TABLE.match(sql)
    if not found:
        return sql.split(None, 1)[0].upper() if sql.strip() else "?"
    verb, table = found.group(1).upper(), found.group(2)
    return f"{verb} {table}" if table else verb


def project_frame():
    """Return "module:function" of the innermost frame of the project's code."""
    for frame in reversed(traceback.extract_stack()[:-3]):
        path = Path(frame.filename)
        if ".venv" in path.parts or "site-packages" in path.parts:
            continue
        with contextlib.suppress(ValueError):
            relative = path.relative_to(BASE_DIR)
            if relative.parts[0] != "bench":
                return f"{relative.with_suffix('')}:{frame.name}".replace("/", ".")
    return "Django and libraries"


def breakdown(connection, save):
    """Run `save(around)` once, its POST in `around()`; return the POST's
    queries grouped by table and by code."""
    by_table, by_code, after_commit = Counter(), Counter(), 0

    def note(execute, sql, params, many, context):
        nonlocal after_commit
        by_table[statement_table(sql)] += 1
        by_code[project_frame()] += 1
        # Run by transaction.on_commit() callbacks, after the editor's rows
        # are committed, but still inside the request.
        after_commit += any(
            frame.name == "run_and_clear_commit_hooks"
            for frame in traceback.extract_stack()
        )
        return execute(sql, params, many, context)

    figure = save(lambda: connection.execute_wrapper(note))
    return {
        "queries": sum(by_table.values()),
        "captured": figure["queries"],  # CaptureQueriesContext's count
        "after_commit": after_commit,
        "tasks": figure["task_names"],
        "by_table": by_table.most_common(),
        "by_code": by_code.most_common(),
    }


def summary(runs):
    """The median of each figure over the runs, and their range."""
    keys = ("queries", "cpu_ms", "wall_ms", "sql_ms", "tasks")
    # A stopped bulk action has no SQL time: None, printed as a dash.
    result = {
        key: statistics.median(run[key] for run in runs)
        if all(key in run for run in runs)
        else None
        for key in keys
    }
    result["runs"] = len(runs)
    result["queries_min"] = min(run["queries"] for run in runs)
    result["queries_max"] = max(run["queries"] for run in runs)
    result["wall_ms_max"] = max(run["wall_ms"] for run in runs)
    # The slowest queries of the slowest of the runs.
    result["slowest"] = max(runs, key=lambda run: run["wall_ms"]).get("slowest", [])
    names = Counter()
    for run in runs:
        names.update(run["task_names"])
    result["task_names"] = dict(names)
    return result


# The parent: a copy of the bench database, the child, the report -------------


def copy_database(source, target):
    from bench import run

    run.run(["dropdb", *run.PG, "--if-exists", "--force", target], quiet=True)
    # FILE_COPY copies the files (a checkpoint) rather than logging every
    # page: seconds for the 100,000-article database.
    copied = run.run(
        ["createdb", *run.PG, "-T", source, "--strategy=file_copy", target],
        check=False,
        capture=True,
        quiet=True,
    )
    if copied.returncode:
        run.run(["createdb", *run.PG, "-T", source, target])


def measure_size(size, options):
    """Measure the editor's requests at `size`; return the child's figures.

    `options` as bench/run.py's: secret_key, workdir, run_id, redis_db, and
    editor_repeats, editor_bulk, editor_bulk_repeats, editor_bulk_timeout.
    """
    from bench import run

    source = f"newsroom_bench_{size}"
    target = f"{source}_editor"
    run.log(f"{size:,} articles, editor: copying {source} to {target}")
    copy_database(source, target)
    env = run.site_env(options, size, prefix="editor")
    env["DATABASE_URL"] = f"postgres://postgres@{HOST}:5432/{target}"
    cmd = [sys.executable, __file__, "--child", "--repeats", options.editor_repeats]
    cmd += [
        "--bulk",
        options.editor_bulk,
        "--bulk-repeats",
        options.editor_bulk_repeats,
    ]
    cmd += ["--bulk-timeout", options.editor_bulk_timeout]
    try:
        result = subprocess.run(  # noqa: S603 (our own fixed command)
            [str(part) for part in cmd],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        run.run(["dropdb", *run.PG, "--if-exists", "--force", target], quiet=True)
    if result.returncode:
        raise RuntimeError(f"bench/editor.py failed at {size:,} articles")
    figures = json.loads(result.stdout.splitlines()[-1])
    headline, draft = figures["headline"], figures["draft"]
    run.log(
        f"  draft {draft['queries']:.0f} queries, {draft['cpu_ms']:.0f} ms CPU; "
        f"headline save {headline['queries']:.0f} queries, "
        f"{headline['cpu_ms']:.0f} ms CPU; bulk {figures['bulk']['wall_ms']:.0f} ms"
    )
    return figures


def fmt(value):
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def verdict(ok):
    return "PASS" if ok else "FAIL"


def report_lines(results):
    """The report's section on the editor's side (Markdown), for every size
    measured; `results` as bench/run.py's, with the figures under "editor"."""
    done = [result for result in results if result.get("editor")]
    if not done:
        return []
    repeats = done[0]["editor"]["repeats"]
    lines = [
        "## Editor's side: admin requests, in process",
        "",
        "An editor signed in to the admin (test client, production settings, "
        "PostgreSQL, Redis; on a copy of the bench database). Each figure is the "
        f"median of {repeats} requests (the bulk action: of "
        f"{done[0]['editor']['bulk']['runs']}); CPU is the Python process's, SQL "
        "the time its queries took to answer, wall the whole request; tasks are "
        "enqueued, never run, during the request (backend "
        f"`{done[0]['editor']['backend'].rsplit('.', 1)[-1]}`). “× draft” is the "
        "figure over that of creating a draft at the same size in the same run.",
        "",
        "| Articles | Request | Queries | SQL ms | CPU ms | Wall ms | Tasks queued "
        "| × draft (queries) | × draft (CPU) | × draft (wall) |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in done:
        figures = result["editor"]
        base = figures["draft"]
        for key, label in ACTIONS:
            figure = figures.get(key)
            if not figure:
                continue
            queries = f"{figure['queries']:,.0f}"
            if figure.get("stopped"):
                queries = f"≥ {queries} (stopped after {figures['bulk_timeout']} s)"
            elif figure["queries_min"] != figure["queries_max"]:
                queries += f" ({figure['queries_min']:,}–{figure['queries_max']:,})"
            lines.append(
                f"| {result['size']:,} | {action_label(key, label, figures)} "
                f"| {queries} | {fmt(figure.get('sql_ms'))} "
                f"| {fmt(figure['cpu_ms'])} | {fmt(figure['wall_ms'])} "
                f"| {figure['tasks']:.0f} "
                f"| {figure['queries'] / base['queries']:.2f} "
                f"| {figure['cpu_ms'] / base['cpu_ms']:.2f} "
                f"| {figure['wall_ms'] / base['wall_ms']:.2f} |"
            )
    if len(done) > 1:
        lines += growth_lines(done)
    notes = []
    for result in done:
        bulk = result["editor"]["bulk"]
        if bulk.get("answer"):
            notes.append(
                f"The bulk action's answer at {result['size']:,} articles: "
                f"“{bulk['answer']}”"
            )
    for key, label in (ACTIONS[1], ACTIONS[3]):
        for result in done:
            slowest = result["editor"].get(key, {}).get("slowest")
            if not slowest:
                continue
            sql = " ".join(slowest[0]["sql"].split()).replace("`", "")
            notes.append(
                f"{label.split(' ', 1)[0]}'s slowest query at {result['size']:,} "
                f"articles (of its slowest request): {fmt(slowest[0]['ms'])} ms, "
                f"`{sql[:160]}…`"
            )
    largest = done[-1]["editor"]
    queued = [
        f"{label.split(' ', 1)[0]} {tasks_text(largest[key].get('task_names'))}"
        for key, label in ACTIONS
        if largest.get(key)
    ]
    notes.append(
        f"Tasks queued at {done[-1]['size']:,} articles, in all the requests "
        "measured: " + "; ".join(queued)
    )
    lines += ["", *(f"- {note}" for note in notes)]
    lines += ["", *targets_lines(done), *breakdown_lines(done[-1])]
    return lines + list_lines(done)


def list_lines(done):
    """The report's section on the article list (Markdown)."""
    done = [result for result in done if result["editor"].get("list_first")]
    if not done:
        return []
    lines = [
        "## The article list (admin changelist), in process",
        "",
        "The editor of the section above opens the article list before any of "
        "its requests changes the data; median of "
        f"{LIST_REPEATS * done[0]['editor']['repeats']} loads after one warm-up, "
        "measured as above; work is CPU + SQL, the request's own work (wall time "
        "adds the waits for cores that other processes hold); KB is the page's "
        "HTML.",
        "",
        "| Articles | Tags | Load | Queries | SQL ms | CPU ms | Work ms | Wall ms "
        "| KB |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in done:
        figures = result["editor"]
        for key, label in LIST_LOADS:
            figure = figures[key]
            if key == "list_tag":
                label += f" (“{figure['name']}”, {figure['uses']:,} articles)"
            if key == "list_deep":
                label = f"Page {figure['page']} ({figures['list_per_page']} a page)"
            lines.append(
                f"| {result['size']:,} | {figures['list_tags']:,} | {label} "
                f"| {figure['queries']:,.0f} | {fmt(figure['sql_ms'])} "
                f"| {fmt(figure['cpu_ms'])} | {fmt(figure['work_ms'])} "
                f"| {fmt(figure['wall_ms'])} | {fmt(figure['kb'])} |"
            )
    if len(done) < 2:
        return [*lines, ""]
    first, last = done[0], done[-1]
    lines += [
        "",
        f"Growth from {first['size']:,} to {last['size']:,} articles (target: "
        f"queries and work at most {LIST_MAX_GROWTH} × those at "
        f"{first['size']:,}; work is CPU + SQL, the database's work included):",
        "",
        "| Load | Queries | SQL | CPU | Work | Wall | KB | Target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    names = ("queries", "sql_ms", "cpu_ms", "work_ms", "wall_ms", "kb")
    for key, label in LIST_LOADS:
        small, large = first["editor"][key], last["editor"][key]
        ratios = {
            name: large[name] / small[name] if small.get(name) else None
            for name in names
        }
        ok = ratios["queries"] <= LIST_MAX_GROWTH and (
            ratios["work_ms"] <= LIST_MAX_GROWTH
        )
        cells = [
            "–" if ratios[name] is None else f"{ratios[name]:.2f} ×" for name in names
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {verdict(ok)} |")
    return [*lines, ""]


def action_label(key, label, figures):
    if key == "bulk":
        return f"(d) Bulk “Add a tag” on {figures['bulk_articles']} live articles"
    return label


def growth_lines(done):
    """Each request's figures at the largest size over those at the smallest."""
    first, last = done[0], done[-1]
    lines = [
        "",
        f"Growth from {first['size']:,} to {last['size']:,} articles (the figure at "
        f"{last['size']:,} over that at {first['size']:,}):",
        "",
        "| Request | Queries | SQL | CPU | Wall |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for key, label in ACTIONS:
        small, large = first["editor"].get(key), last["editor"].get(key)
        if not small or not large:
            continue
        cells = [
            f"{large[name] / small[name]:.2f} ×" if small.get(name) else "–"
            for name in ("queries", "sql_ms", "cpu_ms", "wall_ms")
        ]
        lines.append(
            f"| {action_label(key, label, last['editor'])} | "
            + " | ".join(cells)
            + " |"
        )
    return lines


def targets_lines(done):
    first = done[0]
    lines = [
        "Against the editor's targets:",
        "",
        "| Target | " + " | ".join(f"{r['size']:,} articles" for r in done) + " |",
        "| --- |" + " ---: |" * len(done),
    ]
    cells = []
    for result in done:
        queries = result["editor"]["headline"]["queries"]
        cells.append(f"{queries:,.0f} ({verdict(queries <= SAVE_MAX_QUERIES)})")
    lines.append(
        f"| Headline save of a live article ≤ {SAVE_MAX_QUERIES} queries | "
        + " | ".join(cells)
        + " |"
    )
    cells = []
    for result in done:
        save, draft = result["editor"]["headline"], result["editor"]["draft"]
        cpu, wall = save["cpu_ms"] / draft["cpu_ms"], save["wall_ms"] / draft["wall_ms"]
        ok = cpu <= SAVE_MAX_RATIO and wall <= SAVE_MAX_RATIO
        cells.append(f"{cpu:.1f} × CPU, {wall:.1f} × wall ({verdict(ok)})")
    lines.append(
        f"| Headline save ≤ {SAVE_MAX_RATIO:.0f} × creating a draft | "
        + " | ".join(cells)
        + " |"
    )
    if len(done) > 1:
        base = first["editor"]["headline"]
        cells = []
        for result in done:
            save = result["editor"]["headline"]
            cpu = save["cpu_ms"] / base["cpu_ms"]
            queries = save["queries"] / base["queries"]
            ok = cpu <= SAVE_MAX_GROWTH and queries <= SAVE_MAX_GROWTH
            cells.append(f"{cpu:.2f} × CPU, {queries:.2f} × queries ({verdict(ok)})")
        lines.append(
            f"| Headline save ≤ {SAVE_MAX_GROWTH} × that at {first['size']:,} "
            "articles | " + " | ".join(cells) + " |"
        )
    cells = []
    for result in done:
        bulk = result["editor"]["bulk"]
        wall = f"{bulk['wall_ms'] / 1000:.2f} s"
        if bulk.get("stopped"):
            wall = f"> {wall} (stopped)"
        ok = not bulk.get("stopped") and bulk["wall_ms"] < BULK_MAX_MS
        cells.append(f"{wall} ({verdict(ok)})")
    lines += [
        f"| Bulk action on {BULK} articles answers in < {BULK_MAX_MS / 1000:.0f} s | "
        + " | ".join(cells)
        + " |",
        "",
    ]
    return lines


def breakdown_lines(result, top=12):
    data = result["editor"].get("headline_breakdown")
    if not data:
        return []
    lines = [
        f"Queries of one more headline save at {result['size']:,} articles "
        f"({data['queries']:,} statements; {data.get('captured', 0):,} as "
        "CaptureQueriesContext counts them, with BEGIN and COMMIT; "
        f"{data.get('after_commit', 0):,} of them in "
        "`on_commit` callbacks after the editor's rows were committed; tasks "
        f"queued: {tasks_text(data.get('tasks'))}), by statement and table, and by "
        "the project's code that sent them (innermost frame outside Django):",
        "",
        "| Statement | Queries | | Code | Queries |",
        "| --- | ---: | --- | --- | ---: |",
    ]
    tables, codes = data["by_table"][:top], data["by_code"][:top]
    for index in range(max(len(tables), len(codes))):
        table = tables[index] if index < len(tables) else ("", "")
        code = codes[index] if index < len(codes) else ("", "")
        lines.append(
            f"| {'`' + table[0] + '`' if table[0] else ''} | {table[1]} | "
            f"| {'`' + code[0] + '`' if code[0] else ''} | {code[1]} |"
        )
    return [*lines, ""]


def tasks_text(names):
    if not names:
        return "none"
    return ", ".join(f"`{name}` × {count}" for name, count in sorted(names.items()))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size",
        type=int,
        action="append",
        help="archive size (repeatable; default 1000)",
    )
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--bulk", type=int, default=BULK, help="articles tagged")
    parser.add_argument("--bulk-repeats", type=int, default=1)
    parser.add_argument(
        "--bulk-timeout",
        type=int,
        default=BULK_TIMEOUT,
        help="stop the bulk action after this many seconds",
    )
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        options.log = lambda message: print(
            f"[editor {time.strftime('%H:%M:%S')}] {message}",
            file=sys.stderr,
            flush=True,
        )
        child(options)
        return

    from bench import run

    settings = SimpleNamespace(
        secret_key=secrets.token_urlsafe(50),
        workdir=tempfile.mkdtemp(prefix="newsroom-editor-"),
        run_id=f"editor-{os.getpid()}-{secrets.token_hex(3)}",
        redis_db=options.redis_db,
        editor_repeats=options.repeats,
        editor_bulk=options.bulk,
        editor_bulk_repeats=options.bulk_repeats,
        editor_bulk_timeout=options.bulk_timeout,
    )
    results = []
    try:
        run.ensure_postgresql()
        run.ensure_redis()
        for size in options.size or [1000]:
            env = run.site_env(settings, size, prefix="setup")
            generated = run.prepare_database(size, env, reuse=True)
            run.refresh_site(env)
            results.append(
                {
                    "size": size,
                    "generate_seconds": generated,
                    "editor": measure_size(size, settings),
                }
            )
    finally:
        run.clear_cache(settings)
        shutil.rmtree(settings.workdir, ignore_errors=True)
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=1))
    print("\n".join(report_lines(results)))


if __name__ == "__main__":
    main()
