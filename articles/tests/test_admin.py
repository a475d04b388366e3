from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.testing import make_article, make_author, make_section


def inline_management(prefix, total=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


class ArticleAdminPublishingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = get_user_model().objects.create_superuser(
            "editor", password="correct-horse-battery"
        )
        cls.section = make_section("Science", slug="science")
        cls.author = make_author("Eleanor Fairweather")

    def setUp(self):
        self.client.force_login(self.editor)

    def article_form(self, **overrides):
        now = timezone.localtime()
        data = {
            "kind": "news",
            "headline": "Comet seen from the Alps",
            "slug": "comet-seen-from-the-alps",
            "standfirst": "Astronomers were delighted.",
            "body": "<p>A bright comet.</p><script>alert('x')</script>",
            "section": str(self.section.pk),
            "tags": "Astronomy, Alps",
            "_transition": "publish",
            "publish_at_0": now.strftime("%Y-%m-%d"),
            "publish_at_1": (now - timezone.timedelta(minutes=1)).strftime("%H:%M:%S"),
            # As a browser sends them: the time the form was opened with.
            "initial-publish_at_0": now.strftime("%Y-%m-%d"),
            "initial-publish_at_1": (now - timezone.timedelta(minutes=1)).strftime(
                "%H:%M:%S"
            ),
            **inline_management("bylines", total=1),
            "bylines-0-author": str(self.author.pk),
            "bylines-0-position": "0",
            **inline_management("curated_links"),
            **inline_management("corrections"),
        }
        data.update(overrides)
        return data

    def test_editor_publishes_an_article_and_readers_see_it_then_unpublishes_it(self):
        response = self.client.post(
            reverse("admin:articles_article_add"), self.article_form()
        )
        self.assertEqual(
            response.status_code,
            302,
            response.context and response.context["adminform"].form.errors,
        )
        article = Article.objects.get(slug="comet-seen-from-the-alps")
        self.assertIs(article.is_live(), True)
        self.assertNotIn("<script", article.body)
        self.assertEqual(article.byline_authors(), [self.author])

        self.client.logout()
        url = article.get_absolute_url()
        for path in ["/", "/science/", "/tag/astronomy/", url]:
            with self.subTest(path=path):
                self.assertContains(self.client.get(path), "Comet seen from the Alps")
        page = self.client.get(url)
        self.assertContains(page, 'rel="author">Eleanor Fairweather</a>')
        self.assertContains(page, '<a href="/tag/alps/" rel="tag">Alps</a>')

        self.client.force_login(self.editor)
        data = self.article_form(_transition="unpublish")
        data["loaded_version"] = str(article.edit_version)
        data["bylines-INITIAL_FORMS"] = "1"
        data["bylines-0-id"] = str(article.bylines.get().pk)
        data["bylines-0-article"] = str(article.pk)
        response = self.client.post(
            reverse("admin:articles_article_change", args=[article.pk]), data
        )
        self.assertEqual(response.status_code, 302)
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 404)
        for path in ["/", "/science/"]:
            with self.subTest(path=path):
                self.assertNotContains(
                    self.client.get(path), "Comet seen from the Alps"
                )
        self.assertEqual(self.client.get("/tag/astronomy/").status_code, 404)

    def test_future_publish_time_schedules_the_article(self):
        tomorrow = timezone.localtime() + timezone.timedelta(days=1)
        self.client.post(
            reverse("admin:articles_article_add"),
            self.article_form(
                publish_at_0=tomorrow.strftime("%Y-%m-%d"),
                publish_at_1=tomorrow.strftime("%H:%M:%S"),
            ),
        )
        article = Article.objects.get(slug="comet-seen-from-the-alps")
        self.assertIs(article.is_scheduled(), True)
        self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 404)

    def test_reserved_or_duplicate_slug_is_a_form_error(self):
        make_article("Existing", slug="comet-seen-from-the-alps")
        response = self.client.post(
            reverse("admin:articles_article_add"), self.article_form()
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("slug", response.context["adminform"].form.errors)

    def test_view_on_site_is_offered_only_for_live_articles(self):
        live = make_article("Live one", section=self.section)
        draft = make_article(
            "Draft one", section=self.section, status=Article.Status.DRAFT
        )
        live_page = self.client.get(
            reverse("admin:articles_article_change", args=[live.pk])
        )
        self.assertContains(live_page, "View on site")
        draft_page = self.client.get(
            reverse("admin:articles_article_change", args=[draft.pk])
        )
        self.assertNotContains(draft_page, "View on site")

    def test_change_form_uses_the_rich_text_editor_under_a_nonce(self):
        response = self.client.get(reverse("admin:articles_article_add"))
        policy = response.headers["Content-Security-Policy"]
        nonce = policy.split("'nonce-")[1].split("'")[0]
        self.assertContains(response, f'<script type="importmap" nonce="{nonce}">')
        self.assertContains(response, "django_prose_editor/editor.js")
        self.assertNotIn("script-src 'self' 'unsafe-inline'", policy)

    def test_bulk_actions_publish_and_unpublish(self):
        drafts = [
            make_article(f"Draft {n}", section=self.section, status="draft")
            for n in range(3)
        ]
        already = make_article("Already live", section=self.section)
        response = self.client.post(
            reverse("admin:articles_article_changelist"),
            {
                "action": "publish_selected",
                "_selected_action": [a.pk for a in [*drafts, already]],
            },
            follow=True,
        )
        self.assertContains(response, "3 published, 1 skipped: already published.")
        self.assertEqual(Article.objects.live().count(), 4)
        self.client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "unpublish_selected", "_selected_action": [drafts[0].pk]},
        )
        self.assertEqual(Article.objects.live().count(), 3)

    def test_changelist_filters_and_search_work(self):
        make_article("Findable comet", section=self.section, tags=["Astronomy"])
        url = reverse("admin:articles_article_changelist")
        for params in [
            {"state": "live"},
            {"state": "scheduled"},
            {"state": "draft"},
            {"state": "review"},
            {"state": "unpublished"},
            {"owner": "mine"},
            {"section__id__exact": self.section.pk},
            {"q": "comet"},
        ]:
            with self.subTest(params=params):
                self.assertEqual(self.client.get(url, params).status_code, 200)
        self.assertContains(self.client.get(url, {"q": "findable"}), "Findable comet")

    def test_tag_suggestions_are_for_staff_only(self):
        make_article(tags=["Astronomy", "Astrophysics", "Economy"])
        url = reverse("admin:articles_article_tags")
        response = self.client.get(url, {"q": "astr"})
        self.assertEqual(response.json(), {"tags": ["Astronomy", "Astrophysics"]})
        self.client.logout()
        self.assertEqual(self.client.get(url, {"q": "astr"}).status_code, 302)


class AdminPermissionTests(TestCase):
    def test_staff_without_article_permissions_cannot_add_articles(self):
        clerk = get_user_model().objects.create_user(
            "clerk", password="correct-horse-battery", is_staff=True
        )
        self.client.force_login(clerk)
        response = self.client.get(reverse("admin:articles_article_add"))
        self.assertEqual(response.status_code, 403)
        response = self.client.get(reverse("admin:articles_article_tags"), {"q": "a"})
        self.assertEqual(response.status_code, 403)
