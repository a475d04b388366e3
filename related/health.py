"""Related posts' part of /readyz (newsroom/health.py)."""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from articles.models import Article, live_q

from .models import RelatedArticle

# A publication's related list is due this long after it went live; older
# publications than the window are not looked at (the check stays cheap).
GRACE = timedelta(minutes=5)
WINDOW = timedelta(days=1)


def overdue_publications():
    """Check that articles which went live (by an editor or by their schedule)
    in the last day, over GRACE ago, have their Related posts list stored:
    the one derived piece a publication waits for from a worker."""
    now = timezone.now()
    computed = RelatedArticle.objects.filter(
        article=OuterRef("pk"), target=OuterRef("pk")
    )
    overdue = (
        Article.objects.filter(live_q(now=now - GRACE))
        .exclude(live_q(now=now - WINDOW))
        .exclude(Exists(computed))
        .count()
    )
    return {"ok": overdue == 0, "overdue": overdue}
