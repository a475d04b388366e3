"""What an import computes once its writes are committed: in bulk, in its
own process, so that the first view of every imported page is as fast as
any page whose derived data is stored, with no worker having run.

The import runs as a bulk job (newsroom.bulk): its saves queue no task and
keep no copy, one row at a time. `compute()` then makes, in this order:

1. page copies: the byline, tags and corrections of the imported and
   updated articles (reading.display.store), one query per part and one
   write per 1,000 articles;
2. related lists: the text index and the list of every live or scheduled
   article of the archive, term weights counted over the whole of it
   (related.ranking.reindex_all), then their copies on the pages, announced
   once (related_list_stored);
3. renditions: every use of the import's pictures whose renditions are
   missing or outdated, as the worker's task would make them;

then moves the content version, so that no page cached meanwhile outlives
them. The full-text search index needs nothing: the database's triggers
write it with each row, in the import's transaction (articles migration
0005). A re-import that changes nothing computes nothing: no article
changed, every rendition is current.
"""

import time

from articles.models import Article
from newsroom.bulk import bulk_job
from reading import display
from reading.pagecache import bump_content_version
from related import ranking
from related.events import related_list_stored

from .report import PAGE_COPIES, RELATED_LISTS, RENDITIONS


class ComputeFailed(Exception):
    """The import was committed, but computing its derived data failed;
    `report` is the import's report."""

    report = None


def compute(*, article_ids, images, progress=None):
    """Compute what readers' pages need of the import's articles and
    pictures; return {step: {"count": n, "seconds": s}} of the steps run.

    `progress(done, total, step)` is called as each step goes on.
    """
    notify = progress or (lambda done, total, step: None)
    computed = {}
    try:
        article_ids = sorted(set(article_ids))
        if article_ids:
            with _timed(computed, PAGE_COPIES) as step:
                chunks = list(display.batched(article_ids))
                for chunk in chunks:
                    display.store(chunk)
                    step["count"] += len(chunk)
                    notify(step["count"], len(article_ids), PAGE_COPIES)
            with _timed(computed, RELATED_LISTS) as step:
                with bulk_job():  # each list's copy is made below, at once

                    def listed(done, total):
                        notify(done, total, RELATED_LISTS)

                    step["count"] = ranking.reindex_all(progress=listed)
                related_list_stored.send(sender=Article, article_ids=None)
        stale = {image.pk: image for image in images if image.file}
        stale = [image for image in stale.values() if image.stale_uses()]
        if stale:
            with _timed(computed, RENDITIONS) as step:
                for image in stale:
                    image.generate_renditions()
                    step["count"] += 1
                    notify(step["count"], len(stale), RENDITIONS)
    except Exception as error:
        raise ComputeFailed(
            "The import was committed, but computing what its pages show "
            f"stopped ({error!r}). Pages compute what they miss when first "
            "shown; `manage.py refresh_related` and `manage.py "
            "generate_renditions` compute the rest now."
        ) from error
    if computed:
        bump_content_version(retracts=False)
    return computed


class _timed:
    def __init__(self, computed, name):
        self.step = computed[name] = {"count": 0, "seconds": 0.0}

    def __enter__(self):
        self.started = time.perf_counter()
        return self.step

    def __exit__(self, *exc_info):
        self.step["seconds"] = round(time.perf_counter() - self.started, 1)
