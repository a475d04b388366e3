"""The copy of bylines, tags and corrections that article pages read."""

from unittest import mock

from taggit.models import Tag, TaggedItem

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, ArticleAuthor, ArticleDisplayData, Correction
from articles.testing import make_article, make_author, make_section
from reading.display import display_of
from related.ranking import refresh_related


class DisplayDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("World News", slug="world")
        cls.mara = make_author("Mara Lindqvist")
        cls.tomas = make_author("Tomas Ortega")

    def stored(self, article):
        row = ArticleDisplayData.objects.get(article=article)
        return {
            "authors": row.authors,
            "tags": row.tags,
            "corrections": row.corrections,
        }

    def test_the_copy_follows_bylines_tags_and_corrections(self):
        article = make_article(
            "Talks resume",
            section=self.section,
            tags=["China", "Trade"],
            authors=[self.mara, self.tomas],
        )
        self.assertEqual(
            self.stored(article),
            {
                "authors": [
                    ["Mara Lindqvist", "mara-lindqvist"],
                    ["Tomas Ortega", "tomas-ortega"],
                ],
                "tags": [["China", "china"], ["Trade", "trade"]],
                "corrections": [],
            },
        )
        ArticleAuthor.objects.filter(article=article, author=self.mara).update(
            position=5
        )
        byline = ArticleAuthor.objects.get(article=article, author=self.mara)
        byline.save()  # the admin's inline saves each row
        self.assertEqual(
            [name for name, _ in self.stored(article)["authors"]],
            ["Tomas Ortega", "Mara Lindqvist"],
        )
        byline.delete()
        self.assertEqual(
            self.stored(article)["authors"], [["Tomas Ortega", "tomas-ortega"]]
        )
        article.tags.remove("Trade")
        article.tags.add("Asia")
        self.assertEqual(
            self.stored(article)["tags"], [["China", "china"], ["Asia", "asia"]]
        )
        note = Correction.objects.create(
            article=article,
            kind=Correction.Kind.CLARIFICATION,
            text="The talks are in Geneva.",
            published_at=timezone.now(),
        )
        note.text = "The talks are in Geneva, not Vienna."
        note.save()
        [(kind, text, published_at)] = self.stored(article)["corrections"]
        self.assertEqual((kind, text), ("clarification", note.text))
        self.assertEqual(published_at, note.published_at.isoformat())
        note.delete()
        self.assertEqual(self.stored(article)["corrections"], [])

    def test_renaming_an_author_or_a_tag_rewrites_every_article_showing_it(self):
        articles = [
            make_article(
                section=self.section, tags=["Trade"], authors=[self.mara, self.tomas]
            )
            for _ in range(3)
        ]
        other = make_article(section=self.section, tags=["Sport"])
        self.mara.name, self.mara.slug = "Mara Lindqvist-Berg", "mara-lb"
        self.mara.save()
        tag = Tag.objects.get(name="Trade")
        tag.name, tag.slug = "Trade policy", "trade-policy"
        tag.save()
        for article in articles:
            self.assertEqual(
                self.stored(article)["authors"][0], ["Mara Lindqvist-Berg", "mara-lb"]
            )
            self.assertEqual(
                self.stored(article)["tags"], [["Trade policy", "trade-policy"]]
            )
        self.assertEqual(self.stored(other)["tags"], [["Sport", "sport"]])
        page = self.client.get(articles[0].get_absolute_url())
        self.assertContains(page, '<a href="/author/mara-lb/" rel="author">')
        self.assertContains(
            page, '<a href="/tag/trade-policy/" rel="tag">Trade policy</a>'
        )

    def test_deleting_a_tag_or_an_author_takes_it_off_the_page(self):
        article = make_article(
            section=self.section,
            tags=["Trade", "Asia"],
            authors=[self.mara, self.tomas],
        )
        Tag.objects.get(name="Trade").delete()
        self.tomas.delete()
        self.assertEqual(
            self.stored(article),
            {
                "authors": [["Mara Lindqvist", "mara-lindqvist"]],
                "tags": [["Asia", "asia"]],
                "corrections": [],
            },
        )
        page = self.client.get(article.get_absolute_url())
        self.assertNotContains(page, "Tomas Ortega")
        self.assertNotContains(page, "/tag/trade/")

    def test_deleting_an_article_deletes_its_copy(self):
        article = make_article(
            section=self.section, tags=["Trade"], authors=[self.mara]
        )
        Correction.objects.create(article=article, text="A date was wrong.")
        article.delete()
        self.assertFalse(ArticleDisplayData.objects.exists())

    def test_an_article_inserted_in_bulk_gets_its_copy_when_first_shown(self):
        [article] = Article.objects.bulk_create(
            [
                Article(
                    headline="Imported story",
                    slug="imported-story",
                    section=self.section,
                    status=Article.Status.PUBLISHED,
                    publish_at=timezone.now(),
                )
            ]
        )
        ArticleAuthor.objects.bulk_create(
            [ArticleAuthor(article=article, author=self.mara)]
        )
        TaggedItem.objects.bulk_create(
            [
                TaggedItem(
                    tag=Tag.objects.create(name="Archive", slug="archive"),
                    content_type=ContentType.objects.get_for_model(Article),
                    object_id=article.pk,
                )
            ]
        )
        self.assertFalse(ArticleDisplayData.objects.filter(article=article).exists())
        page = self.client.get(article.get_absolute_url())
        self.assertContains(page, "Mara Lindqvist")
        self.assertContains(page, '<a href="/tag/archive/" rel="tag">Archive</a>')
        self.assertEqual(
            self.stored(article)["authors"], [["Mara Lindqvist", "mara-lindqvist"]]
        )

    def test_display_reads_the_copy_as_objects_with_links(self):
        article = make_article(
            section=self.section, tags=["Trade"], authors=[self.mara]
        )
        Correction.objects.create(
            article=article, kind=Correction.Kind.UPDATE, text="Figures updated."
        )
        loaded = Article.objects.select_related("display_data").get(pk=article.pk)
        with self.assertNumQueries(0):
            shown = display_of(loaded)
            links = [a.get_absolute_url() for a in shown.authors]
        self.assertEqual(links, ["/author/mara-lindqvist/"])
        self.assertEqual(shown.tags[0].get_absolute_url(), "/tag/trade/")
        self.assertEqual(shown.corrections[0].get_kind_display(), "Update")
        self.assertEqual(
            shown.corrections[0].published_at,
            Correction.objects.get().published_at,
        )


class TagDeletionTests(TestCase):
    """Deleting a tag is handled once, not once per article that had it."""

    def tag_on(self, name, count):
        section = make_section()
        articles = [
            make_article(section=section, tags=[name, "Kept"]) for _ in range(count)
        ]
        for article in articles:
            refresh_related(article)
        return Tag.objects.get(name=name), articles

    def test_deleting_a_tag_costs_the_same_for_few_or_many_articles(self):
        few, _ = self.tag_on("Few", 2)
        many, articles = self.tag_on("Many", 12)
        with CaptureQueriesContext(connection) as few_queries:
            few.delete()
        with (
            CaptureQueriesContext(connection) as many_queries,
            mock.patch("reading.receivers.bump_content_version") as bump,
            self.captureOnCommitCallbacks() as committed,
        ):
            many.delete()
        self.assertEqual(len(many_queries), len(few_queries))
        self.assertEqual(bump.call_count, 1)  # for the tag, not each tagging
        for article in articles:
            self.assertEqual(
                ArticleDisplayData.objects.get(article=article).tags,
                [["Kept", "kept"]],
            )
        # Their related lists are computed again by tasks, once committed,
        # and the copies follow.
        for callback in committed:
            callback()
        copy = ArticleDisplayData.objects.get(article=articles[0])
        self.assertEqual(len(copy.related), 10)
        page = self.client.get(articles[0].get_absolute_url())
        self.assertNotContains(page, "/tag/many/")
        self.assertContains(page, "No related posts yet.", count=0)

    def test_deleting_an_author_costs_the_same_for_few_or_many_articles(self):
        section = make_section()
        kept, few, many = (make_author(name) for name in ["Kept", "Few", "Many"])
        for author, count in [(few, 2), (many, 12)]:
            for _ in range(count):
                make_article(section=section, authors=[kept, author])
        with CaptureQueriesContext(connection) as few_queries:
            few.delete()
        with CaptureQueriesContext(connection) as many_queries:
            many.delete()
        self.assertEqual(len(many_queries), len(few_queries))
        self.assertEqual(
            {
                tuple(map(tuple, authors))
                for authors in ArticleDisplayData.objects.values_list(
                    "authors", flat=True
                )
            },
            {(("Kept", "kept"),)},
        )
