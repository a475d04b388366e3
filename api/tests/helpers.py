from datetime import timedelta

from articles.models import Article
from articles.testing import make_article


def make_hidden_articles(**fields):
    """Create one article per way of not being live: draft, in review,
    unpublished, and published but scheduled for tomorrow."""
    return [
        make_article("Draft story", status=Article.Status.DRAFT, **fields),
        make_article("Review story", status=Article.Status.REVIEW, **fields),
        make_article("Pulled story", status=Article.Status.UNPUBLISHED, **fields),
        make_article("Scheduled story", age=-timedelta(days=1), **fields),
    ]
