"""Instructions per uncached article render, counted by callgrind.

Time figures of the same code move by 10-30% between runs on a shared
machine; the number of instructions a render executes moves by about 1%, and
does not change when other processes load the cores. So this is the figure
to compare when changing what an article page does:

    python bench/instructions.py            # 1,000-article bench database
    python bench/instructions.py --size 100000 --renders 20

It runs with the environment `make bench` gives the site (production
settings, page cache off, Redis, the bench database `newsroom_bench_<size>`,
which must exist: run `make bench` once); like `make bench`, it first has
the rendered articles' related lists computed and copied
(bench/related_lists.py). Python runs under `valgrind
--tool=callgrind` three times, one after the other: once to fill the cache,
once rendering nothing and once rendering the article pages `--renders`
times after a warm-up; the difference of the last two, divided by the
renders, is printed (about 2 minutes). It counts the application's instructions only:
PostgreSQL's and Redis's work runs in their own processes.
"""

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def render_articles(renders):
    """In the child process: warm up, then render the load test's articles."""
    from bench import inprocess  # sets Django up

    articles, _ = inprocess.article_sample(inprocess.ARTICLES)
    paths = [article.get_absolute_url() for article in articles]
    client = inprocess.Client(HTTP_HOST=inprocess.HOST)
    for path in paths * 2:
        assert client.get(path).status_code == 200, path
    for number in range(renders):
        client.get(paths[number % len(paths)])


def count(env, renders):
    """Return the instructions callgrind counts for a child doing `renders`."""
    result = subprocess.run(  # noqa: S603 (fixed commands)
        [
            shutil.which("valgrind"),
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--child",
            str(renders),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"the renders failed:\n{result.stderr[-3000:]}")
    found = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    if not found:
        raise RuntimeError(f"callgrind gave no count:\n{result.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child is not None:
        render_articles(options.child)
        return
    if not shutil.which("valgrind"):
        sys.exit("valgrind is not installed: apt-get install -y valgrind")

    from bench import run

    workdir = tempfile.mkdtemp(prefix="newsroom-instructions-")
    try:
        settings = SimpleNamespace(
            secret_key=secrets.token_urlsafe(50),
            workdir=workdir,
            run_id=f"instructions-{os.getpid()}",
            redis_db=options.redis_db,
        )
        env = run.site_env(settings, options.size, prefix="count", page_cache=False)
        run.refresh_site(env)
        # The sampled articles' related lists computed and copied, as after
        # `make bench`: a page without its list runs the never-computed path.
        run.store_related_lists(env)
        # A first run fills what a fresh cache lacks (the Popular posts
        # ranking, the sections, the menu), so both measured runs find it there;
        # a fixed hash seed lays dictionaries out the same way in each.
        env["PYTHONHASHSEED"] = "0"
        count(env, 0)
        idle, busy = count(env, 0), count(env, options.renders)
    finally:
        run.clear_cache(settings)
        shutil.rmtree(workdir, ignore_errors=True)
    per_render = (busy - idle) / options.renders
    print(
        f"{options.size:,} articles: {per_render / 1e6:.2f} million instructions "
        f"per uncached article render ({options.renders} renders)"
    )


if __name__ == "__main__":
    main()
