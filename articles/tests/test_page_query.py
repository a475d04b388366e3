"""The article page's query, built once per process, against the ORM's."""

from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from articles.models import Article, ArticleDisplayData, Correction
from articles.page_query import live_article_for_page
from articles.testing import make_article, make_author, make_section
from images.testing import TemporaryMediaMixin, make_image


def state(instance):
    """Return a model instance's field values, as loaded."""
    return {
        name: value
        for name, value in vars(instance).items()
        if not name.startswith("_")
    }


class LiveArticleForPageTests(TemporaryMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("World News", slug="world")
        cls.article = make_article(
            "Ceasefire holds",
            section=cls.section,
            standfirst="Talks resume on Monday.",
            body="<p>Both sides kept to the line.</p>",
            tags=["ceasefire", "El Niño"],
            authors=[make_author("Ana Writer"), make_author("Ben Reporter")],
            lead_image_caption="The line at dawn",
        )
        Correction.objects.create(article=cls.article, text="A date was wrong.")

    def setUp(self):
        super().setUp()
        self.article.lead_image = make_image(credit="Agency")
        self.article.save()

    def orm(self, slug):
        return Article.objects.live().for_article_page().get(slug=slug)

    def test_makes_what_the_orm_makes_in_one_query(self):
        expected = self.orm(self.article.slug)
        with self.assertNumQueries(1):
            article = live_article_for_page(self.article.slug)
            image, data = article.lead_image, article.display_data
        self.assertEqual(state(article), state(expected))
        self.assertEqual(article.get_deferred_fields(), expected.get_deferred_fields())
        self.assertEqual(article.get_deferred_fields(), {"body_text", "search_vector"})
        self.assertEqual(state(image), state(expected.lead_image))
        self.assertEqual(state(data), state(expected.display_data))
        self.assertEqual(
            data.tags, [["ceasefire", "ceasefire"], ["El Niño", "el-niño"]]
        )
        self.assertEqual(article.publish_at, self.article.publish_at)
        self.assertFalse(article._state.adding)
        self.assertEqual(article._state.db, "default")

    def test_an_article_without_lead_image_or_display_data(self):
        bare = make_article("No picture", section=self.section)
        ArticleDisplayData.objects.filter(article=bare).delete()
        with self.assertNumQueries(1):
            article = live_article_for_page(bare.slug)
            self.assertIsNone(article.lead_image)
            with self.assertRaises(ArticleDisplayData.DoesNotExist):
                article.display_data  # noqa: B018 (the access is the test)
        page = self.client.get(bare.get_absolute_url())
        self.assertContains(page, "No picture")
        self.assertTrue(ArticleDisplayData.objects.filter(article=bare).exists())

    def test_only_live_articles_are_found(self):
        now = timezone.now()
        hidden = [
            make_article(status=Article.Status.DRAFT),
            make_article(status=Article.Status.REVIEW),
            make_article(status=Article.Status.UNPUBLISHED),
            make_article(publish_at=now + timedelta(seconds=30)),
        ]
        for article in hidden:
            with self.subTest(article=article.status):
                self.assertIsNone(live_article_for_page(article.slug))
                self.assertFalse(Article.objects.live().filter(pk=article.pk).exists())
        self.assertIsNone(live_article_for_page("no-such-article"))
        self.assertEqual(live_article_for_page(self.article.slug).pk, self.article.pk)
