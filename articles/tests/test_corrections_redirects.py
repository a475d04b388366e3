"""Corrections on published articles, and redirects from former URLs."""

from datetime import datetime, timedelta
from unittest.mock import patch

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction, FormerURL
from articles.testing import change_form_data, make_article, make_section, make_user


def at(moment):
    """Patch the clock to `moment`."""
    return patch("django.utils.timezone.now", return_value=moment)


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def split(moment):
    local = timezone.localtime(moment)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")


def change_form(article, *, corrections=(), **overrides):
    """Return the admin change form's POST data for the article as saved."""
    article.refresh_from_db()
    data = change_form_data(
        article,
        **management(
            "corrections",
            total=len(corrections) + article.corrections.count(),
            initial=article.corrections.count(),
        ),
    )
    for index, existing in enumerate(article.corrections.all()):
        day, time = split(existing.published_at)
        data.update(
            {
                f"corrections-{index}-id": str(existing.pk),
                f"corrections-{index}-article": str(article.pk),
                f"corrections-{index}-kind": existing.kind,
                f"corrections-{index}-text": existing.text,
                f"corrections-{index}-published_at_0": day,
                f"corrections-{index}-published_at_1": time,
            }
        )
    offset = article.corrections.count()
    for index, (kind, text, moment) in enumerate(corrections, start=offset):
        day, time = split(moment)
        data.update(
            {
                f"corrections-{index}-kind": kind,
                f"corrections-{index}-text": text,
                f"corrections-{index}-published_at_0": day,
                f"corrections-{index}-published_at_1": time,
            }
        )
    data.update(overrides)
    return data


def whole_seconds(moment):
    return moment.replace(microsecond=0)


class CorrectionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("Business", slug="business")
        cls.editor = make_user("editor", "Editor")
        cls.published = whole_seconds(timezone.now() - timedelta(days=2))
        cls.article = make_article(
            "Bank raises rates",
            section=cls.section,
            publish_at=cls.published,
            standfirst="The third rise this year.",
            body="<p>Borrowing costs more.</p>",
        )

    def setUp(self):
        self.client.force_login(self.editor)
        self.change_url = reverse(
            "admin:articles_article_change", args=[self.article.pk]
        )

    def post(self, data):
        response = self.client.post(self.change_url, data)
        self.assertEqual(
            response.status_code,
            302,
            response.context
            and [
                response.context["adminform"].form.errors,
                *[f.errors for f in response.context["inline_admin_formsets"]],
            ],
        )
        return response

    def test_editor_adds_a_correction_readers_see_it(self):
        noted = whole_seconds(timezone.now() - timedelta(hours=1))
        self.post(
            change_form(
                self.article,
                corrections=[
                    ("correction", "An earlier version gave the wrong rate.", noted)
                ],
            )
        )
        correction = Correction.objects.get()
        self.assertEqual(correction.article, self.article)
        self.assertEqual(correction.created_by, self.editor)

        self.client.logout()
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(
            response,
            '<h2 id="corrections-heading">Corrections and updates</h2>',
            html=True,
        )
        local = timezone.localtime(noted)
        self.assertContains(
            response,
            '<li class="correction correction--correction">'
            "<strong>Correction</strong>, "
            f'<time datetime="{local.isoformat()}">'
            f"{local.day} {local:%B %Y, %H:%M}</time>: "
            "An earlier version gave the wrong rate.</li>",
            html=True,
        )

    def test_correction_moves_the_modified_time_but_not_the_publish_time(self):
        long_ago = timezone.now() - timedelta(days=2)
        Article.objects.filter(pk=self.article.pk).update(updated_at=long_ago)
        now = whole_seconds(timezone.now())
        data = change_form(
            self.article,
            corrections=[("update", "Shares fell after the news.", now)],
        )
        with at(now):
            self.post(data)
        self.article.refresh_from_db()
        self.assertEqual(self.article.updated_at, now)
        self.assertEqual(self.article.publish_at, self.published)
        self.assertEqual(Correction.objects.get().published_at, now)

        self.client.logout()
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(
            response,
            f'<time datetime="{timezone.localtime(self.published).isoformat()}">',
        )

    def test_saving_a_correction_alone_moves_the_modified_time(self):
        long_ago = timezone.now() - timedelta(days=2)
        Article.objects.filter(pk=self.article.pk).update(updated_at=long_ago)
        now = timezone.now()
        with at(now):
            Correction.objects.create(
                article=self.article, text="A name was misspelt.", published_at=now
            )
        self.article.refresh_from_db()
        self.assertEqual(self.article.updated_at, now)
        self.assertEqual(self.article.publish_at, self.published)

    def test_several_notes_appear_oldest_first(self):
        now = whole_seconds(timezone.now())
        self.post(
            change_form(
                self.article,
                corrections=[
                    ("update", "Newest: the minister responded.", now),
                    (
                        "clarification",
                        "Oldest: the rate is the base rate.",
                        now - timedelta(hours=5),
                    ),
                    (
                        "correction",
                        "Middle: the date was wrong.",
                        now - timedelta(hours=2),
                    ),
                ],
            )
        )
        self.assertEqual(Correction.objects.count(), 3)
        content = self.client.get(self.article.get_absolute_url()).content.decode()
        positions = [
            content.index("Oldest: the rate is the base rate."),
            content.index("Middle: the date was wrong."),
            content.index("Newest: the minister responded."),
        ]
        self.assertEqual(positions, sorted(positions))
        self.assertIn("<strong>Clarification</strong>", content)
        self.assertIn("<strong>Update</strong>", content)

    def test_correction_text_is_escaped(self):
        self.post(
            change_form(
                self.article,
                corrections=[
                    (
                        "correction",
                        'We wrote <script>alert("x")</script> & <b>bold</b>.',
                        timezone.now() - timedelta(minutes=5),
                    )
                ],
            )
        )
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(
            response,
            "We wrote &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; "
            "&amp; &lt;b&gt;bold&lt;/b&gt;.",
        )
        self.assertNotContains(response, '<script>alert("x")</script>')
        self.assertNotContains(response, "<b>bold</b>")

    def test_page_without_corrections_has_no_corrections_section(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Corrections and updates")


class DraftCorrectionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("Sport", slug="sport")
        cls.editor = make_user("editor", "Editor")
        cls.draft = make_article(
            "Cup final preview",
            section=cls.section,
            status=Article.Status.DRAFT,
            publish_at=whole_seconds(timezone.now() - timedelta(hours=1)),
        )
        cls.live = make_article(
            "Cup final report",
            section=cls.section,
            publish_at=whole_seconds(timezone.now() - timedelta(hours=1)),
        )

    def setUp(self):
        self.client.force_login(self.editor)

    def test_draft_change_form_offers_no_way_to_add_corrections(self):
        draft_page = self.client.get(
            reverse("admin:articles_article_change", args=[self.draft.pk])
        )
        self.assertContains(
            draft_page,
            '<input type="hidden" name="corrections-MAX_NUM_FORMS" value="0" '
            'id="id_corrections-MAX_NUM_FORMS">',
            html=True,
        )
        live_page = self.client.get(
            reverse("admin:articles_article_change", args=[self.live.pk])
        )
        self.assertContains(live_page, 'name="corrections-MAX_NUM_FORMS"')
        self.assertNotContains(
            live_page,
            '<input type="hidden" name="corrections-MAX_NUM_FORMS" value="0" '
            'id="id_corrections-MAX_NUM_FORMS">',
            html=True,
        )

    def test_correction_posted_for_a_draft_is_not_created(self):
        response = self.client.post(
            reverse("admin:articles_article_change", args=[self.draft.pk]),
            change_form(
                self.draft,
                corrections=[("correction", "Sneaked in.", timezone.now())],
            ),
        )
        # Either saved with the note ignored, or refused; never a form error.
        self.assertIn(response.status_code, {302, 403})
        self.assertFalse(Correction.objects.exists())
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, Article.Status.DRAFT)


class FormerURLRedirectTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section("World", slug="world")
        cls.europe = make_section("Europe", slug="europe")
        cls.editor = make_user("editor", "Editor")

    def make_live_article(self):
        return make_article(
            "Summit ends without a deal",
            section=self.world,
            slug="summit-ends",
            publish_at=timezone.make_aware(datetime(2024, 3, 5, 9, 30)),
        )

    def assertRedirectsTo(self, url, target):
        response = self.client.get(url)
        self.assertRedirects(response, target, status_code=301, target_status_code=200)

    def test_every_former_url_redirects_to_the_current_one(self):
        article = self.make_live_article()
        urls = [article.get_absolute_url()]
        article.slug = "summit-ends-in-deadlock"
        article.save()
        urls.append(article.get_absolute_url())
        article.section = self.europe
        article.save()
        urls.append(article.get_absolute_url())
        article.publish_at = timezone.make_aware(datetime(2024, 3, 6, 7, 0))
        article.save()
        current = article.get_absolute_url()
        self.assertEqual(
            urls,
            [
                "/world/2024/03/05/summit-ends/",
                "/world/2024/03/05/summit-ends-in-deadlock/",
                "/europe/2024/03/05/summit-ends-in-deadlock/",
            ],
        )
        self.assertEqual(current, "/europe/2024/03/06/summit-ends-in-deadlock/")
        self.assertEqual(self.client.get(current).status_code, 200)
        for url in urls:
            with self.subTest(url=url):
                self.assertRedirectsTo(url, current)
        self.assertRedirectsTo(f"/a/{article.pk}/", current)

    def test_changes_made_through_the_admin_form_are_remembered(self):
        article = self.make_live_article()
        original = article.get_absolute_url()
        article.slug = "summit-collapses"
        article.save()
        intermediate = article.get_absolute_url()

        self.client.force_login(self.editor)
        response = self.client.post(
            reverse("admin:articles_article_change", args=[article.pk]),
            change_form(
                article,
                slug="summit-fails",
                section=str(self.europe.pk),
                publish_at_0="2024-03-07",
                publish_at_1="08:15:00",
            ),
        )
        self.assertEqual(
            response.status_code,
            302,
            response.context and response.context["adminform"].form.errors,
        )
        self.client.logout()
        article.refresh_from_db()
        current = article.get_absolute_url()
        self.assertEqual(current, "/europe/2024/03/07/summit-fails/")
        for url in [original, intermediate]:
            with self.subTest(url=url):
                self.assertRedirectsTo(url, current)
        self.assertRedirectsTo(f"/a/{article.pk}/", current)

    def test_former_url_of_an_unpublished_article_is_404(self):
        article = self.make_live_article()
        original = article.get_absolute_url()
        article.slug = "summit-ends-in-deadlock"
        article.save()
        self.assertEqual(self.client.get(original).status_code, 301)
        article.unpublish(by=self.editor)
        for url in [original, article.get_absolute_url(), f"/a/{article.pk}/"]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        self.assertTrue(FormerURL.objects.filter(path=original).exists())

    def test_changing_back_to_an_earlier_url_leaves_no_redirect_loop(self):
        article = self.make_live_article()
        original = article.get_absolute_url()
        article.slug = "summit-ends-in-deadlock"
        article.save()
        renamed = article.get_absolute_url()
        article.slug = "summit-ends"
        article.save()
        self.assertEqual(article.get_absolute_url(), original)

        response = self.client.get(original)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Summit ends without a deal")
        self.assertRedirectsTo(renamed, original)
        self.assertFalse(FormerURL.objects.filter(path=original).exists())
