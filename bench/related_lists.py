"""Related lists of the bench's sampled articles, as a caught-up worker leaves them.

The site computes Related-posts lists in tasks (related/tasks.py). Articles
made by `generate_articles` have none: their page shows no list and enqueues
a task (`related.lists.related_articles` -> `compute_later`), about ten
queries instead of one. A site whose worker has caught up has every list
computed and copied, and no task waiting. Computing every list of the
100,000-article archive takes about 50 minutes (`manage.py refresh_related`),
so this computes those of the articles the bench requests only
(`bench.inprocess.article_sample`: the load test, bench/instructions.py and
the in-process renders), with `related.ranking.refresh_related`, and copies
them onto the articles' display data, in this process; and it deletes the
rows of the task queue (a list a page enqueued in an earlier run, or the
archive's reindex), which no worker runs during the bench.

Each run checks it again (a few seconds): a list already computed is kept
(computing it again would index its article again, which adds to the
document counts of the article's weaker terms), a missing one computed (the
sample moves as scheduled articles go live), and the copies rewritten where
they differ; so `--reuse` finds the same data.
The lists are ranked against the text index of the sampled articles only,
not the whole archive's; the page shows five links either way, and what it
costs does not depend on which.

Run by bench/run.py (`prepare_database`, which bench/editor.py uses too) and
bench/instructions.py, with the environment `make bench` gives the site;
prints one JSON object on stdout.
"""

import json
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django_tasks_db.models import DBTaskResult  # noqa: E402

from django.conf import settings  # noqa: E402
from django.db.models import F  # noqa: E402

from articles.models import ArticleDisplayData  # noqa: E402
from bench import inprocess  # noqa: E402
from related.models import RelatedArticle  # noqa: E402
from related.ranking import copy_related, refresh_related  # noqa: E402


def main():
    backend = settings.TASKS["default"]["BACKEND"]
    if "DatabaseBackend" not in backend:
        # An immediate backend would run tasks inside the bench's requests.
        raise SystemExit(f"TASKS uses {backend}: the bench needs django-tasks-db.")
    started = time.perf_counter()
    removed, _ = DBTaskResult.objects.all().delete()
    articles, _ = inprocess.article_sample(inprocess.ARTICLES)
    ids = [article.pk for article in articles]
    computed = set(
        RelatedArticle.objects.filter(
            article_id__in=ids, target_id=F("article_id")
        ).values_list("article_id", flat=True)
    )
    # Only the lists not computed yet: computing a list indexes its article
    # again, which adds to the document counts of its weaker terms each time.
    missing = [article for article in articles if article.pk not in computed]
    for article in missing:
        refresh_related(article)
    copy_related(ids)  # copies only what differs (none, when all were there)
    copied = ArticleDisplayData.objects.filter(pk__in=ids, related__isnull=False)
    if (count := copied.count()) != len(ids):
        raise SystemExit(f"{len(ids) - count} sampled articles have no copied list")
    if queued := DBTaskResult.objects.count():
        raise SystemExit(f"computing the lists queued {queued} tasks")
    json.dump(
        {
            "articles": len(ids),
            "computed": len(missing),
            "entries": RelatedArticle.objects.filter(article_id__in=ids)
            .exclude(target_id=F("article_id"))
            .count(),
            "tasks_removed": removed,
            "seconds": time.perf_counter() - started,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
