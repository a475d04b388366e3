from reversion.models import Version

from django.test import TestCase

from articles import roles
from articles.file_links import relink_replaced_file
from articles.models import Article
from articles.testing import make_article, make_user
from attachments.testing import file_bytes, make_attachment, upload
from images.testing import TemporaryMediaMixin

CHANGELIST = "/admin/attachments/attachment/"


def link(url, text="the budget (PDF)"):
    return f'<p>Read <a href="{url}">{text}</a>.</p>'


class ReplacedFileLinksTests(TemporaryMediaMixin, TestCase):
    def setUp(self):
        self.editor = make_user("editor", roles.EDITOR)
        self.client.force_login(self.editor)
        self.report = make_attachment("budget.pdf", title="Budget 2025")
        self.old_url = self.report.file.url
        self.live = make_article("Budget day", body=link(self.old_url))
        self.draft = make_article(
            "Budget, the analysis",
            status=Article.Status.DRAFT,
            body=link(f"https://news.example.org{self.old_url}", "the full text"),
        )
        self.elsewhere = make_article("Weather", body="<p>Rain.</p>")

    def replace(self, version=b"%%v2", name="budget-v2.pdf"):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                f"{CHANGELIST}{self.report.pk}/change/",
                {
                    "file": upload(file_bytes("pdf") + version, name),
                    "title": "Budget 2025",
                },
            )
        self.assertEqual(response.status_code, 302)
        self.report.refresh_from_db()
        return self.report.file.url

    def test_replacing_a_file_relinks_live_and_draft_articles(self):
        new_url = self.replace()
        self.assertNotEqual(new_url, self.old_url)
        for article in (self.live, self.draft):
            article.refresh_from_db()
            self.assertNotIn(self.old_url, article.body)
        self.live.refresh_from_db()
        self.assertIn(f'<a href="{new_url}"', self.live.body)
        self.draft.refresh_from_db()
        self.assertIn(f'href="https://news.example.org{new_url}"', self.draft.body)
        page = self.client.get(self.live.get_absolute_url())
        self.assertContains(page, f'href="{new_url}"')
        self.assertNotContains(page, self.old_url)

    def test_the_relinking_is_a_revision_and_touches_nothing_else(self):
        before = Version.objects.get_for_object(self.elsewhere).count()
        self.replace()
        latest = Version.objects.get_for_object(self.live).first()
        self.assertEqual(
            latest.revision.comment,
            "Links to the replaced file “Budget 2025” updated.",
        )
        self.assertEqual(Version.objects.get_for_object(self.elsewhere).count(), before)
        self.elsewhere.refresh_from_db()
        self.assertEqual(self.elsewhere.body, "<p>Rain.</p>")

    def test_the_former_address_redirects_to_the_file_in_one_hop(self):
        second_url = self.replace()
        third_url = self.replace(b"%%v3", "budget-v3.pdf")
        for former in (self.old_url, second_url):
            with self.subTest(former=former):
                response = self.client.get(former)
                self.assertEqual(response.status_code, 301)
                self.assertEqual(response["Location"], third_url)
        self.assertEqual(self.client.get(third_url).status_code, 200)
        self.live.refresh_from_db()
        self.assertIn(f'<a href="{third_url}"', self.live.body)

    def test_the_task_is_idempotent_and_a_deleted_file_changes_nothing(self):
        self.replace()
        self.live.refresh_from_db()
        body = self.live.body
        self.assertEqual(relink_replaced_file.call(self.report.pk, self.old_url), 0)
        self.live.refresh_from_db()
        self.assertEqual(self.live.body, body)
        self.report.delete()
        self.assertEqual(relink_replaced_file.call(self.report.pk or 0, "/x.pdf"), 0)
