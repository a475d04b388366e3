"""Related posts as the article page shows them: from the copy kept with the
article's display data, which must follow every change of the articles it
links to."""

from datetime import timedelta
from unittest import mock

from django.test import TestCase
from django.utils import timezone

from articles.models import Article, ArticleDisplayData
from articles.testing import make_article, make_section
from reading.display import shown_related
from related.lists import related_articles
from related.models import CuratedLink
from related.ranking import refresh_related


class ShownRelatedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World News", slug="world")
        cls.article = make_article("Summit opens", section=cls.world, tags=["summit"])
        cls.targets = [
            make_article(
                f"Summit day {n}",
                section=cls.world,
                tags=["summit"],
                age=timedelta(hours=n + 2),
            )
            for n in range(3)
        ]
        refresh_related(cls.article)

    def shown(self, **kwargs):
        article = Article.objects.for_article_page().get(pk=self.article.pk)
        return shown_related(article, **kwargs)

    def shown_pks(self, **kwargs):
        return [link.pk for link in self.shown(**kwargs)]

    def stored_pks(self):
        return [target.pk for target in related_articles(self.article)]

    def page(self):
        return self.client.get(self.article.get_absolute_url())

    def test_the_copy_lists_what_the_stored_list_lists(self):
        self.assertEqual(self.shown_pks(), self.stored_pks())
        self.assertEqual(self.shown_pks(limit=2), [t.pk for t in self.targets[:2]])
        self.assertEqual(
            [(a.headline, a.publish_at) for a in self.shown()],
            [(t.headline, t.publish_at) for t in self.targets],
        )
        self.assertEqual(
            [a.get_absolute_url() for a in self.shown()],
            [t.get_absolute_url() for t in self.targets],
        )

    def test_a_linked_article_s_new_headline_and_address_show_at_once(self):
        target = self.targets[0]
        target.headline = "Summit ends in a deal"
        target.slug = "summit-ends-in-a-deal"
        target.save()
        page = self.page()
        self.assertContains(page, "Summit ends in a deal")
        self.assertContains(page, f'href="{target.get_absolute_url()}"')

    def test_an_unpublished_or_deleted_article_leaves_the_list(self):
        unpublished, deleted = self.targets[:2]
        unpublished.status = Article.Status.UNPUBLISHED
        unpublished.save()
        deleted.delete()
        self.assertEqual(self.shown_pks(), [self.targets[2].pk])
        self.assertNotContains(self.page(), "Summit day 0")
        unpublished.status = Article.Status.PUBLISHED
        unpublished.save()
        self.assertContains(self.page(), "Summit day 0")

    def test_a_scheduled_article_in_the_list_shows_from_its_second(self):
        publish_at = timezone.now() + timedelta(minutes=5)
        scheduled = make_article(
            "Summit communique", section=self.world, publish_at=publish_at
        )
        CuratedLink.objects.create(article=self.article, target=scheduled)
        refresh_related(self.article)
        self.assertNotIn(scheduled.pk, self.shown_pks())
        with mock.patch(
            "django.utils.timezone.now", return_value=publish_at + timedelta(seconds=1)
        ):
            self.assertEqual(self.shown_pks()[0], scheduled.pk)

    def test_a_section_s_new_slug_changes_the_links(self):
        with self.settings(NEWSROOM_FRAGMENT_CACHE=True):
            self.shown()  # the map of section slugs is kept per content version
            self.world.slug = "international"
            self.world.save()
            self.assertTrue(
                all(
                    a.get_absolute_url().startswith("/international/")
                    for a in self.shown()
                )
            )

    def test_a_list_never_copied_is_read_and_copied_on_first_view(self):
        copies = ArticleDisplayData.objects.filter(article=self.article)
        copies.update(related=None)
        self.assertEqual(self.shown_pks(), self.stored_pks())
        self.assertEqual(len(copies.get().related), 3)
        other = make_article("Unrelated piece", section=make_section("Sport"))
        self.assertIsNone(ArticleDisplayData.objects.get(article=other).related)
        self.assertContains(
            self.client.get(other.get_absolute_url()), 'class="widget widget--related"'
        )
        self.assertIsNotNone(ArticleDisplayData.objects.get(article=other).related)

    def test_a_section_newer_than_the_kept_sections_falls_back_to_the_list(self):
        copies = ArticleDisplayData.objects.filter(article=self.article)
        [first, *rest] = copies.get().related
        unknown_section = [*first[:4], self.world.pk + 1000]
        copies.update(related=[unknown_section, *rest])
        self.assertEqual(self.shown_pks(), self.stored_pks())


class CopiesFromBeforeTheRuleFieldsTests(ShownRelatedTests.__base__):
    """Copies stored before links kept the rule's fields: migrated, not read
    from the stored list on every page."""

    @classmethod
    def setUpTestData(cls):
        ShownRelatedTests.setUpTestData.__func__(cls)

    def test_the_migration_gives_old_copies_what_the_rule_reads(self):
        from importlib import import_module

        from django.apps import apps

        migration = import_module(
            "articles.migrations.0009_related_copies_keep_rule_fields"
        )
        data = ArticleDisplayData.objects.get(pk=self.article.pk)
        data.related = [link[:5] for link in data.related]  # as stored before
        data.save()
        migration.add_rule_fields(apps, None)

        article = Article.objects.for_article_page().get(pk=self.article.pk)
        # The sections only (kept per content version outside tests); a
        # copy without the rule's fields would read the stored list too.
        with self.assertNumQueries(1):
            shown = shown_related(article)
        self.assertEqual([link.pk for link in shown], [t.pk for t in self.targets])
        migration.drop_rule_fields(apps, None)
        data.refresh_from_db()
        self.assertTrue(all(len(link) == 5 for link in data.related))
