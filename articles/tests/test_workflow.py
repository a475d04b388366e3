from datetime import timedelta
from unittest import mock

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, WorkflowEvent
from articles.testing import (
    change_form_data,
    make_article,
    make_author,
    make_section,
    make_user,
)
from related.models import DailyViewCount

Status = Article.Status

# Who may take which step from which state. "owner" is a writer who created
# the article; "writer" is another writer.
EXPECTED = {
    ("submit", Status.DRAFT): {"owner", "editor", "administrator"},
    ("submit", Status.UNPUBLISHED): {"editor", "administrator"},
    ("return", Status.REVIEW): {"editor", "administrator"},
    ("withdraw", Status.REVIEW): {"owner"},
    ("publish", Status.DRAFT): {"editor", "administrator"},
    ("publish", Status.REVIEW): {"editor", "administrator"},
    ("publish", Status.UNPUBLISHED): {"editor", "administrator"},
    ("unpublish", Status.PUBLISHED): {"editor", "administrator"},
}
ROLES = ["owner", "writer", "editor", "administrator"]


class RoleFixtures:
    @classmethod
    def setUpTestData(cls):
        cls.users = {
            "owner": make_user("olivia", "Writer"),
            "writer": make_user("walter", "Writer"),
            "editor": make_user("edna", "Editor"),
            "administrator": make_user("ada", "Administrator"),
        }
        cls.section = make_section("World News", slug="world")

    def article_in(self, status, **fields):
        return make_article(
            f"A {status} story",
            section=self.section,
            status=status,
            created_by=self.users["owner"],
            **fields,
        )


class TransitionPermissionMatrixTests(RoleFixtures, TestCase):
    def test_every_role_may_take_exactly_its_steps(self):
        for name, transition in workflow.TRANSITIONS.items():
            for status in Status.values:
                for role in ROLES:
                    with self.subTest(step=name, status=status, role=role):
                        article = self.article_in(status)
                        allowed = role in EXPECTED.get((name, status), set())
                        user = self.users[role]
                        self.assertIs(transition.is_allowed(user, article), allowed)
                        if allowed:
                            workflow.transition(article, name, user=user)
                            article.refresh_from_db()
                            self.assertEqual(article.status, transition.target)
                        else:
                            with self.assertRaises(PermissionDenied):
                                workflow.transition(article, name, user=user)
                            article.refresh_from_db()
                            self.assertEqual(article.status, status)

    def test_only_owners_edit_their_drafts_and_editors_edit_everything(self):
        for status in Status.values:
            article = self.article_in(status)
            with self.subTest(status=status):
                self.assertIs(
                    workflow.can_edit(self.users["owner"], article),
                    status == Status.DRAFT,
                )
                self.assertIs(workflow.can_edit(self.users["writer"], article), False)
                self.assertIs(workflow.can_edit(self.users["editor"], article), True)

    def test_each_step_is_recorded_with_who_and_when(self):
        article = self.article_in(Status.DRAFT)
        workflow.transition(article, "submit", user=self.users["owner"])
        workflow.transition(article, "publish", user=self.users["editor"])
        events = list(article.workflow_events.order_by("at", "pk"))
        self.assertEqual(
            [(e.action, e.from_status, e.to_status, e.user) for e in events],
            [
                ("submit", "draft", "review", self.users["owner"]),
                ("publish", "review", "published", self.users["editor"]),
            ],
        )
        self.assertLess(timezone.now() - events[-1].at, timedelta(minutes=1))

    def test_publishing_with_a_future_time_is_recorded_as_scheduling(self):
        article = self.article_in(Status.REVIEW)
        step = workflow.transition(
            article,
            "publish",
            user=self.users["editor"],
            publish_at=timezone.now() + timedelta(hours=3),
        )
        self.assertEqual(step.action, "schedule")
        self.assertIs(article.is_scheduled(), True)


class AdminWorkflowPermissionTests(RoleFixtures, TestCase):
    """The same rules hold for requests made straight to the admin URLs."""

    def post_change(self, user, article, **extra):
        self.client.force_login(user)
        url = reverse("admin:articles_article_change", args=[article.pk])
        return self.client.post(url, change_form_data(article, **extra))

    def take_step(self, user, article, name):
        """Press the workflow button as the change page offers it: in the
        form, or (on a read-only page) posting to the workflow page."""
        self.client.force_login(user)
        page = self.client.get(
            reverse("admin:articles_article_change", args=[article.pk])
        )
        action_url = page.context and page.context.get("workflow_action_url")
        if action_url:
            return self.client.post(action_url, {"_transition": name})
        return self.post_change(user, article, _transition=name)

    def test_writer_posting_publish_directly_is_refused_and_nothing_changes(self):
        article = self.article_in(Status.DRAFT)
        response = self.post_change(
            self.users["owner"], article, _transition="publish", headline="Sneaky"
        )
        self.assertEqual(response.status_code, 403)
        article.refresh_from_db()
        self.assertEqual(article.status, Status.DRAFT)
        self.assertEqual(article.headline, "A draft story")
        self.assertFalse(WorkflowEvent.objects.filter(article=article).exists())

    def test_writer_cannot_unpublish_or_edit_a_published_article(self):
        article = self.article_in(Status.PUBLISHED)
        for extra in [{"_transition": "unpublish"}, {"headline": "Changed"}]:
            with self.subTest(extra=extra):
                response = self.post_change(self.users["owner"], article, **extra)
                self.assertEqual(response.status_code, 403)
        article.refresh_from_db()
        self.assertIs(article.is_live(), True)

    def test_writer_cannot_edit_another_writers_draft(self):
        article = self.article_in(Status.DRAFT)
        response = self.post_change(self.users["writer"], article, headline="Mine now")
        self.assertEqual(response.status_code, 403)

    def test_writer_cannot_schedule_by_setting_the_publish_time(self):
        article = self.article_in(Status.DRAFT)
        later = timezone.localtime() + timedelta(days=2)
        self.post_change(
            self.users["owner"],
            article,
            publish_at_0=later.strftime("%Y-%m-%d"),
            publish_at_1=later.strftime("%H:%M:%S"),
        )
        article.refresh_from_db()
        self.assertLess(article.publish_at, timezone.now())

    def test_unknown_transition_is_refused(self):
        article = self.article_in(Status.DRAFT)
        response = self.post_change(
            self.users["editor"], article, _transition="explode"
        )
        self.assertEqual(response.status_code, 403)

    def test_each_role_gets_its_steps_through_the_admin(self):
        for (name, status), allowed_roles in EXPECTED.items():
            for role in ROLES:
                with self.subTest(step=name, status=status, role=role):
                    article = self.article_in(status)
                    response = self.take_step(self.users[role], article, name)
                    article.refresh_from_db()
                    if role in allowed_roles:
                        self.assertEqual(response.status_code, 302)
                        self.assertEqual(
                            article.status, workflow.TRANSITIONS[name].target
                        )
                    else:
                        self.assertEqual(response.status_code, 403)
                        self.assertEqual(article.status, status)

    def test_a_refusal_explains_itself_on_a_page_of_the_site(self):
        article = self.article_in(Status.DRAFT)
        response = self.post_change(self.users["owner"], article, _transition="publish")
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "<h1>You may not do that</h1>", status_code=403)
        self.assertContains(
            response, "You may not publish this article.", status_code=403
        )
        self.assertContains(response, "Back to the editorial desk", status_code=403)
        self.assertContains(response, 'rel="stylesheet"', status_code=403)

    def test_tags_are_called_tags_in_the_admin(self):
        self.client.force_login(self.users["editor"])
        page = self.client.get(reverse("admin:index"))
        self.assertContains(page, ">Tags</a>")
        self.assertNotContains(page, "Taggit")

    def test_writer_withdraws_a_submission_from_its_read_only_page(self):
        article = self.article_in(Status.REVIEW)
        self.client.force_login(self.users["owner"])
        url = reverse("admin:articles_article_change", args=[article.pk])
        page = self.client.get(url)
        self.assertContains(page, 'value="withdraw"')
        self.assertContains(page, "Withdraw submission")
        self.assertNotContains(page, 'name="_save"')  # read-only while in review
        response = self.client.post(
            page.context["workflow_action_url"], {"_transition": "withdraw"}
        )
        self.assertRedirects(response, url)
        article.refresh_from_db()
        self.assertEqual(article.status, Status.DRAFT)
        self.assertEqual(article.workflow_events.first().action, "withdraw")
        # A draft again: the writer edits it, and may submit it again.
        self.assertContains(self.client.get(url), 'value="submit"')
        # Another writer may not withdraw it, nor take other steps that way.
        article = self.article_in(Status.REVIEW)
        self.client.force_login(self.users["writer"])
        action_url = reverse("admin:articles_article_transition", args=[article.pk])
        for name in ["withdraw", "publish", "explode"]:
            response = self.client.post(action_url, {"_transition": name})
            self.assertEqual(response.status_code, 403)
        article.refresh_from_db()
        self.assertEqual(article.status, Status.REVIEW)

    def test_change_form_offers_only_the_allowed_buttons(self):
        article = self.article_in(Status.DRAFT)
        self.client.force_login(self.users["owner"])
        url = reverse("admin:articles_article_change", args=[article.pk])
        page = self.client.get(url)
        self.assertContains(page, 'value="submit"')
        self.assertNotContains(page, 'value="publish"')
        self.client.force_login(self.users["editor"])
        page = self.client.get(url)
        self.assertContains(page, 'value="publish"')
        self.assertContains(page, 'value="submit"')

    def test_changelist_shows_state_badges_and_quick_links(self):
        self.article_in(Status.REVIEW)
        self.article_in(Status.PUBLISHED, publish_at=timezone.now() + timedelta(days=1))
        self.client.force_login(self.users["editor"])
        page = self.client.get(reverse("admin:articles_article_changelist"))
        self.assertContains(page, '<span class="state-badge state-review">In review')
        self.assertContains(page, '<span class="state-badge state-scheduled">Scheduled')
        for link in ["My drafts", "Waiting for review", "Scheduled"]:
            self.assertContains(page, link)
        waiting = self.client.get(
            reverse("admin:articles_article_changelist"), {"state": "review"}
        )
        self.assertEqual(
            [a.status for a in waiting.context["cl"].result_list], [Status.REVIEW]
        )

    def test_my_drafts_lists_the_writers_own_drafts(self):
        mine = self.article_in(Status.DRAFT)
        make_article("Someone else's", section=self.section, status=Status.DRAFT)
        self.client.force_login(self.users["owner"])
        page = self.client.get(
            reverse("admin:articles_article_changelist"),
            {"state": "draft", "owner": "mine"},
        )
        self.assertEqual(list(page.context["cl"].result_list), [mine])


class ExactSchedulingTests(TestCase):
    """A scheduled article appears everywhere at its publish second, not before."""

    @classmethod
    def setUpTestData(cls):
        cls.section = make_section("World News", slug="world")
        cls.author = make_author("Mara Lindqvist")
        cls.publish_at = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
        cls.scheduled = make_article(
            "Embargoed story",
            section=cls.section,
            publish_at=cls.publish_at,
            tags=["China"],
            authors=[cls.author],
        )
        DailyViewCount.objects.create(
            article=cls.scheduled, day=timezone.localdate(), views=500
        )
        cls.other = make_article(
            "Companion story",
            section=cls.section,
            tags=["China"],
            age=timedelta(days=1),
        )

    def setUp(self):
        cache.clear()

    def pages(self):
        return {
            "front": "/",
            "section": "/world/",
            "tag": "/tag/china/",
            "author": "/author/mara-lindqvist/",
            "other article (widgets)": self.other.get_absolute_url(),
        }

    def test_hidden_one_second_before_and_shown_at_and_after_its_time(self):
        url = self.scheduled.get_absolute_url()
        for offset, visible in [(-1, False), (0, True), (1, True)]:
            moment = self.publish_at + timedelta(seconds=offset)
            with mock.patch("django.utils.timezone.now", return_value=moment):
                with self.subTest(offset=offset, page="article"):
                    status = self.client.get(url).status_code
                    self.assertEqual(status, 200 if visible else 404)
                for name, path in self.pages().items():
                    with self.subTest(offset=offset, page=name):
                        response = self.client.get(path)
                        if name == "author" and not visible:
                            self.assertNotContains(response, "Embargoed story")
                            continue
                        if visible:
                            self.assertContains(response, "Embargoed story")
                        else:
                            self.assertNotContains(response, "Embargoed story")

    def test_unpublishing_takes_effect_at_once(self):
        article = make_article("Live now", section=self.section)
        self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 200)
        article.unpublish()
        self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 404)
        self.assertNotContains(self.client.get("/"), "Live now")


class BulkActionTests(RoleFixtures, TestCase):
    def run_action(self, user, action, articles, **extra):
        self.client.force_login(user)
        return self.client.post(
            reverse("admin:articles_article_changelist"),
            {"action": action, "_selected_action": [a.pk for a in articles], **extra},
            follow=True,
        )

    def test_writer_bulk_publish_is_refused_per_article(self):
        drafts = [self.article_in(Status.DRAFT) for _ in range(2)]
        response = self.run_action(self.users["owner"], "publish_selected", drafts)
        self.assertContains(response, "0 published, 2 skipped: not allowed.")
        self.assertFalse(Article.objects.live().filter(pk__in=[a.pk for a in drafts]))

    def test_move_to_section_asks_for_the_section_then_moves_what_is_allowed(self):
        politics = make_section("Politics", slug="politics")
        own_draft = self.article_in(Status.DRAFT)
        published = self.article_in(Status.PUBLISHED)
        articles = [own_draft, published]
        page = self.run_action(self.users["owner"], "move_to_section", articles)
        self.assertContains(page, "Move articles to a section")
        response = self.run_action(
            self.users["owner"],
            "move_to_section",
            articles,
            apply="1",
            section=politics.pk,
        )
        self.assertContains(response, "1 moved to Politics, 1 skipped: not allowed.")
        own_draft.refresh_from_db()
        published.refresh_from_db()
        self.assertEqual(own_draft.section, politics)
        self.assertEqual(published.section, self.section)

    def test_add_tag_tags_every_article_an_editor_selects(self):
        articles = [self.article_in(Status.PUBLISHED), self.article_in(Status.DRAFT)]
        response = self.run_action(
            self.users["editor"], "add_tag", articles, apply="1", tag="Breaking News"
        )
        self.assertContains(response, "2 tagged “Breaking News”.")
        for article in articles:
            self.assertEqual(list(article.tags.names()), ["Breaking News"])

    def test_bulk_unpublish_reports_articles_that_were_not_live(self):
        live = self.article_in(Status.PUBLISHED)
        draft = self.article_in(Status.DRAFT)
        response = self.run_action(
            self.users["editor"], "unpublish_selected", [live, draft]
        )
        self.assertContains(response, "1 unpublished, 1 skipped: not possible.")
        self.assertEqual(
            WorkflowEvent.objects.get(article=live).user, self.users["editor"]
        )
