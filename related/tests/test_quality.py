"""Quality of related posts on a labeled corpus: precision@5 by story.

related/tests/corpus/ holds news articles grouped by story, with deliberately
confusable stories (two trade disputes, two floods...). Precision@5 is the
share of an article's five related articles that belong to its own story.
The stored ranking must do at least as well as a plain TF-IDF cosine "more
like this" over the full text when the articles carry no tags, and better
still with good tags.
"""

import math
import re
import tomllib
from collections import Counter
from pathlib import Path
from statistics import mean

from django.test import TestCase

from articles.models import Article
from articles.testing import make_article, make_section
from related import lists, ranking

CORPUS = Path(__file__).resolve().parent / "corpus"
TOP = 5


def load_corpus(*, with_tags):
    """Create the corpus articles; return {article id: story}."""
    sections = {}
    stories = {}
    for path in sorted(CORPUS.glob("*.toml")):
        story = tomllib.loads(path.read_text())
        slug = story["section"]
        if slug not in sections:
            sections[slug] = make_section(slug.title(), slug=f"corpus-{slug}")
        for entry in story["articles"]:
            article = make_article(
                entry["headline"],
                section=sections[slug],
                standfirst=entry["standfirst"],
                body="".join(f"<p>{p}</p>" for p in entry["body"].split("\n\n")),
                publish_at=entry["published"],
                tags=story["tags"] if with_tags else (),
            )
            stories[article.pk] = path.stem
    return stories


def precision_at_5(stories, related_ids):
    return mean(
        sum(stories.get(pk) == stories[article] for pk in related[:TOP]) / TOP
        for article, related in related_ids.items()
    )


def plain_tfidf_related(articles):
    """The baseline: TF-IDF cosine over headline, standfirst and body text."""
    words = {
        a.pk: Counter(
            re.findall(r"\w+", f"{a.headline} {a.standfirst} {a.body_text}".lower())
        )
        for a in articles
    }
    frequency = Counter(term for counts in words.values() for term in counts)
    total = len(words)
    vectors = {}
    for pk, counts in words.items():
        weights = {
            t: n * (math.log((1 + total) / (1 + frequency[t])) + 1)
            for t, n in counts.items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values()))
        vectors[pk] = {t: w / norm for t, w in weights.items()}

    def cosine(a, b):
        return sum(w * b.get(t, 0.0) for t, w in a.items())

    return {
        pk: sorted(
            (other for other in vectors if other != pk),
            key=lambda other: -cosine(vectors[pk], vectors[other]),
        )[:TOP]
        for pk in vectors
    }


def stored_related(articles):
    ranking.reindex_all()
    return {
        a.pk: [r.pk for r in lists.related_articles(a, limit=TOP)] for a in articles
    }


class RelatedQualityTests(TestCase):
    def test_corpus_is_large_and_confusable_enough_to_measure(self):
        stories = [tomllib.loads(p.read_text()) for p in CORPUS.glob("*.toml")]
        self.assertGreaterEqual(len(stories), 20)
        self.assertGreaterEqual(sum(len(s["articles"]) for s in stories), 120)
        self.assertTrue(all(len(s["articles"]) >= TOP + 1 for s in stories))

    def test_without_tags_at_least_as_good_as_plain_tfidf(self):
        stories = load_corpus(with_tags=False)
        articles = list(Article.objects.live())
        baseline = precision_at_5(stories, plain_tfidf_related(articles))
        ours = precision_at_5(stories, stored_related(articles))
        print(
            f"\nprecision@5 without tags: ours {ours:.3f}, plain TF-IDF {baseline:.3f}"
        )
        self.assertGreaterEqual(ours, baseline)
        self.assertGreater(ours, 0.6)

    def test_good_tags_raise_precision_further(self):
        stories = load_corpus(with_tags=True)
        articles = list(Article.objects.live())
        baseline = precision_at_5(stories, plain_tfidf_related(articles))
        ours = precision_at_5(stories, stored_related(articles))
        print(f"\nprecision@5 with tags: ours {ours:.3f}, plain TF-IDF {baseline:.3f}")
        self.assertGreater(ours, baseline)
        self.assertGreater(ours, 0.9)


class WholeArchivePassTests(TestCase):
    """`reindex_all` reads what ranking needs from memory
    (ranking.ArchiveIndex), the per-article path by queries: the lists are
    the same either way."""

    def test_whole_archive_lists_equal_the_per_article_ones(self):
        load_corpus(with_tags=True)
        ranking.reindex_all()
        articles = list(Article.objects.may_become_live().order_by("pk"))
        self.assertGreaterEqual(len(articles), 120)
        for article in articles:
            stored = list(
                article.related_entries.order_by("position").values_list(
                    "target_id", flat=True
                )
            )
            by_query = [pk for pk, _, _ in ranking.rank_related(article)]
            self.assertEqual(stored, [*by_query, article.pk], article.headline)
