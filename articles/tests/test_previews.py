"""Previews of unpublished work: in the admin, and through shareable links."""

import re
from datetime import timedelta
from unittest.mock import patch

from django.core import signing
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, PreviewLink
from articles.testing import make_article, make_section, make_user

PREVIEW_SALT = "articles.preview-link"


def at(moment):
    """Patch the clock to `moment`."""
    return patch("django.utils.timezone.now", return_value=moment)


class PreviewAssertions:
    def assertIsPreview(self, response):
        """A preview page: not indexed, never cached, no view counting."""
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, '<meta name="robots" content="noindex, nofollow">', html=True
        )
        self.assertEqual(response.headers["X-Robots-Tag"], "noindex, nofollow")
        cache_control = response.headers["Cache-Control"]
        for directive in ["no-cache", "no-store", "max-age=0"]:
            self.assertIn(directive, cache_control)
        self.assertContains(response, 'class="preview-banner"')
        self.assertNotContains(response, "view-beacon.js")
        self.assertNotContains(response, "data-view-beacon")
        self.assertNotContains(response, 'rel="canonical"')


class AdminPreviewTests(PreviewAssertions, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("Harbour News", slug="harbour")
        cls.editor = make_user("editor", "Editor")
        cls.writer = make_user("writer", "Writer")
        cls.clerk = make_user("clerk")
        cls.draft = make_article(
            "Ferry timetable leaked",
            section=cls.section,
            status=Article.Status.DRAFT,
            standfirst="The winter schedule cuts two crossings.",
            body="<p>Commuters will have to leave earlier.</p>",
            tags=["Ferries"],
            created_by=cls.writer,
        )
        cls.url = reverse("admin:articles_article_preview", args=[cls.draft.pk])

    def assertShowsTheDraftAsReadersWould(self, response):
        self.assertIsPreview(response)
        self.assertContains(
            response,
            '<h1 class="article__headline">Ferry timetable leaked</h1>',
            html=True,
        )
        self.assertContains(
            response,
            '<p class="standfirst">The winter schedule cuts two crossings.</p>',
            html=True,
        )
        self.assertContains(
            response,
            '<div class="article__body"><p>Commuters will have to leave earlier.</p>'
            "</div>",
            html=True,
        )
        self.assertContains(response, 'href="/tag/ferries/"')
        self.assertContains(response, "Preview – draft")

    def test_editor_sees_the_draft_as_readers_would(self):
        self.client.force_login(self.editor)
        self.assertShowsTheDraftAsReadersWould(self.client.get(self.url))

    def test_writer_sees_own_draft_as_readers_would(self):
        self.client.force_login(self.writer)
        self.assertShowsTheDraftAsReadersWould(self.client.get(self.url))

    def test_draft_itself_stays_hidden_from_readers(self):
        response = self.client.get(self.draft.get_absolute_url())
        self.assertEqual(response.status_code, 404)

    def test_anonymous_visitor_is_sent_to_the_admin_login(self):
        response = self.client.get(self.url)
        self.assertRedirects(
            response,
            f"{reverse('admin:login')}?next={self.url}",
            fetch_redirect_response=False,
        )

    def test_staff_without_article_permissions_gets_403(self):
        self.client.force_login(self.clerk)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url, {}).status_code, 403)

    def test_preview_of_a_missing_article_is_404(self):
        self.client.force_login(self.editor)
        url = reverse("admin:articles_article_preview", args=[self.draft.pk + 1000])
        self.assertEqual(self.client.get(url).status_code, 404)


class UnsavedChangesPreviewTests(PreviewAssertions, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("City", slug="city")
        cls.editor = make_user("editor", "Editor")
        cls.article = make_article(
            "Mayor opens bridge",
            section=cls.section,
            publish_at=(timezone.now() - timedelta(days=1)).replace(microsecond=0),
            standfirst="Traffic flows again.",
            body="<p>The old bridge is back.</p>",
            tags=["Bridges"],
        )

    def form_data(self, **overrides):
        published = timezone.localtime(self.article.publish_at)
        data = {
            "kind": "news",
            "headline": self.article.headline,
            "slug": self.article.slug,
            "standfirst": self.article.standfirst,
            "body": self.article.body,
            "section": str(self.section.pk),
            "tags": "Bridges",
            "publish_at_0": published.strftime("%Y-%m-%d"),
            "publish_at_1": published.strftime("%H:%M:%S"),
            "seo_title": "",
            "seo_description": "",
            "loaded_version": str(self.article.edit_version),
        }
        data.update(overrides)
        return data

    def test_posted_changes_are_shown_but_not_saved(self):
        self.client.force_login(self.editor)
        saved_version = self.article.edit_version
        response = self.client.post(
            reverse("admin:articles_article_preview", args=[self.article.pk]),
            self.form_data(
                headline="Mayor reopens the old bridge",
                tags="Traffic, Local politics",
            ),
        )
        self.assertIsPreview(response)
        self.assertContains(
            response,
            '<h1 class="article__headline">Mayor reopens the old bridge</h1>',
            html=True,
        )
        self.assertContains(response, 'href="/tag/traffic/"')
        self.assertContains(response, 'href="/tag/local-politics/"')
        self.assertNotContains(response, 'href="/tag/bridges/"')

        self.article.refresh_from_db()
        self.assertEqual(self.article.headline, "Mayor opens bridge")
        self.assertEqual(self.article.edit_version, saved_version)
        self.assertEqual(list(self.article.tags.names()), ["Bridges"])

        self.client.logout()
        public = self.client.get(self.article.get_absolute_url())
        self.assertContains(
            public,
            '<h1 class="article__headline">Mayor opens bridge</h1>',
            html=True,
        )
        self.assertNotContains(public, "Mayor reopens the old bridge")
        self.assertNotContains(public, "Local politics")
        self.assertContains(public, "view-beacon.js")

    def test_get_shows_the_saved_version(self):
        self.client.force_login(self.editor)
        response = self.client.get(
            reverse("admin:articles_article_preview", args=[self.article.pk])
        )
        self.assertIsPreview(response)
        self.assertContains(response, "Mayor opens bridge")
        self.assertContains(response, "Preview – published")


class PreviewLinkTests(PreviewAssertions, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("Culture", slug="culture")
        cls.editor = make_user("editor", "Editor")
        cls.writer = make_user("writer", "Writer")
        cls.clerk = make_user("clerk")
        cls.draft = make_article(
            "Opera house plans revealed",
            section=cls.section,
            status=Article.Status.DRAFT,
            standfirst="A glass roof over the old square.",
            created_by=cls.writer,
        )
        cls.add_url = reverse(
            "admin:articles_article_previewlink_add", args=[cls.draft.pk]
        )

    def create_link(self, user=None, **data):
        self.client.force_login(user or self.editor)
        response = self.client.post(self.add_url, data)
        self.client.logout()
        return response

    def test_editor_creates_a_link_valid_for_48_hours_by_default(self):
        before = timezone.now()
        response = self.create_link()
        after = timezone.now()
        self.assertRedirects(
            response,
            reverse("admin:articles_article_change", args=[self.draft.pk]),
            fetch_redirect_response=False,
        )
        link = PreviewLink.objects.get()
        self.assertEqual(link.article, self.draft)
        self.assertEqual(link.created_by, self.editor)
        self.assertIsNone(link.revoked_at)
        self.assertGreaterEqual(link.expires_at, before + timedelta(hours=48))
        self.assertLessEqual(link.expires_at, after + timedelta(hours=48))

    def test_success_message_shows_the_link(self):
        self.client.force_login(self.editor)
        response = self.client.post(self.add_url, {"hours": "48"}, follow=True)
        self.assertEqual(response.status_code, 200)
        link = PreviewLink.objects.get()
        match = re.search(
            r"Preview link \(valid for 48 hours\): "
            r"<code>(http://testserver/preview/([^/<]+)/)</code>",
            response.content.decode(),
        )
        self.assertIsNotNone(match, "No success message with the link.")
        data = signing.loads(match.group(2), salt=PREVIEW_SALT)
        self.assertEqual(data, {"link": link.pk})

        self.client.logout()
        self.assertIsPreview(self.client.get(match.group(1)))

    def test_link_opens_for_an_anonymous_visitor(self):
        self.create_link()
        link = PreviewLink.objects.get()
        self.assertEqual(link.get_absolute_url(), f"/preview/{link.token()}/")
        response = self.client.get(link.get_absolute_url())
        self.assertIsPreview(response)
        self.assertContains(
            response,
            '<h1 class="article__headline">Opera house plans revealed</h1>',
            html=True,
        )
        self.assertContains(response, "A glass roof over the old square.")

    def test_link_stops_working_after_48_hours(self):
        start = timezone.now()
        with at(start):
            self.create_link()
        url = PreviewLink.objects.get().get_absolute_url()
        with at(start + timedelta(hours=47, minutes=59)):
            self.assertEqual(self.client.get(url).status_code, 200)
        with at(start + timedelta(hours=48)):
            self.assertEqual(self.client.get(url).status_code, 404)
        with at(start + timedelta(days=30)):
            self.assertEqual(self.client.get(url).status_code, 404)

    def test_revoked_link_is_404(self):
        self.create_link()
        link = PreviewLink.objects.get()
        url = link.get_absolute_url()
        self.assertEqual(self.client.get(url).status_code, 200)

        self.client.force_login(self.editor)
        response = self.client.post(
            reverse(
                "admin:articles_article_previewlink_revoke",
                args=[self.draft.pk, link.pk],
            )
        )
        self.assertEqual(response.status_code, 302)
        link.refresh_from_db()
        self.assertIsNotNone(link.revoked_at)
        change_page = self.client.get(
            reverse("admin:articles_article_change", args=[self.draft.pk])
        )
        self.assertNotContains(change_page, url)

        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_revoking_needs_a_post(self):
        self.create_link()
        link = PreviewLink.objects.get()
        self.client.force_login(self.editor)
        response = self.client.get(
            reverse(
                "admin:articles_article_previewlink_revoke",
                args=[self.draft.pk, link.pk],
            )
        )
        self.assertEqual(response.status_code, 405)
        link.refresh_from_db()
        self.assertIsNone(link.revoked_at)

    def test_tampered_preview_link_is_404(self):
        self.create_link()
        link = PreviewLink.objects.get()
        token = link.token()
        first = "B" if token[0] != "B" else "C"
        last = "x" if token[-1] != "x" else "y"
        tokens = {
            "first character changed": first + token[1:],
            "last character changed": token[:-1] + last,
            "other salt": signing.dumps({"link": link.pk}, salt="other"),
            "unsigned": "eyJsaW5rIjoxfQ",
            "garbage": "not-a-token",
            "wrong payload": signing.dumps({"article": link.pk}, salt=PREVIEW_SALT),
            "non-numeric link": signing.dumps({"link": "one"}, salt=PREVIEW_SALT),
            "unknown link": signing.dumps({"link": link.pk + 1}, salt=PREVIEW_SALT),
        }
        self.assertEqual(self.client.get(f"/preview/{token}/").status_code, 200)
        for case, tampered in tokens.items():
            with self.subTest(case):
                response = self.client.get(f"/preview/{tampered}/")
                self.assertEqual(response.status_code, 404)

    def test_link_to_a_deleted_article_is_404(self):
        article = make_article(
            "Soon gone", section=self.section, status=Article.Status.DRAFT
        )
        self.client.force_login(self.editor)
        self.client.post(
            reverse("admin:articles_article_previewlink_add", args=[article.pk])
        )
        url = PreviewLink.objects.get(article=article).get_absolute_url()
        self.assertEqual(self.client.get(url).status_code, 200)
        article.delete()
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_hours_are_clamped_and_garbage_falls_back_to_48(self):
        cases = {
            "0": 1,
            "-5": 1,
            "1": 1,
            "720": 720,
            "721": 720,
            "100000": 720,
            "abc": 48,
            "2.5": 48,
            "": 48,
        }
        for hours, expected in cases.items():
            with self.subTest(hours=hours):
                PreviewLink.objects.all().delete()
                now = timezone.now()
                with at(now):
                    response = self.create_link(hours=hours)
                self.assertEqual(response.status_code, 302)
                link = PreviewLink.objects.get()
                self.assertEqual(link.expires_at, now + timedelta(hours=expected))

    def test_writer_creates_a_link_for_own_draft(self):
        response = self.create_link(self.writer, hours="24")
        self.assertEqual(response.status_code, 302)
        link = PreviewLink.objects.get()
        self.assertEqual(link.created_by, self.writer)
        self.assertIsPreview(self.client.get(link.get_absolute_url()))

    def test_staff_without_permissions_cannot_create_a_link(self):
        response = self.create_link(self.clerk)
        self.assertEqual(response.status_code, 403)
        self.assertFalse(PreviewLink.objects.exists())

    def test_anonymous_visitor_cannot_create_a_link(self):
        response = self.client.post(self.add_url)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.url.startswith(reverse("admin:login")))
        self.assertFalse(PreviewLink.objects.exists())


class PreviewLinkOwnershipTests(TestCase):
    def test_writer_cannot_share_or_revoke_another_writers_draft(self):
        owner = make_user("olivia", "Writer")
        other = make_user("walter", "Writer")
        article = make_article(
            "Olivia's draft",
            section=make_section("Desk"),
            status=Article.Status.DRAFT,
            created_by=owner,
        )
        link = PreviewLink.objects.create(
            article=article,
            created_by=owner,
            expires_at=timezone.now() + timedelta(hours=1),
        )
        self.client.force_login(other)
        add = reverse("admin:articles_article_previewlink_add", args=[article.pk])
        revoke = reverse(
            "admin:articles_article_previewlink_revoke", args=[article.pk, link.pk]
        )
        self.assertEqual(self.client.post(add).status_code, 403)
        self.assertEqual(self.client.post(revoke).status_code, 403)
        link.refresh_from_db()
        self.assertIsNone(link.revoked_at)
        self.assertEqual(article.preview_links.count(), 1)
