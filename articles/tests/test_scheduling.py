"""Scheduling says when and where: the button, the time fields, the list."""

from datetime import UTC, datetime

from django.test import TestCase, override_settings
from django.urls import reverse

from articles.models import Article
from articles.testing import make_article, make_section, make_user

# Tuesday 4 December 2040, 09:00 in London (GMT, UTC+0 in winter) ...
LONDON_MORNING = datetime(2040, 12, 4, 9, 0, tzinfo=UTC)
# ... 14:30 in New York (UTC-5), the same day ...
NEW_YORK_AFTERNOON = datetime(2040, 12, 4, 19, 30, tzinfo=UTC)
# ... and 09:00 in London in summer time (UTC+1).
LONDON_SUMMER_MORNING = datetime(2040, 6, 5, 8, 0, tzinfo=UTC)


@override_settings(TIME_ZONE="Europe/London")
class SchedulingDisplayTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("edna", "Editor")
        cls.section = make_section("World News", slug="world")

    def setUp(self):
        self.client.force_login(self.editor)

    def change_page(self, article):
        return self.client.get(
            reverse("admin:articles_article_change", args=[article.pk])
        )

    def test_the_publish_button_says_when_and_where_for_a_future_time(self):
        draft = make_article(
            "Draft",
            section=self.section,
            status=Article.Status.DRAFT,
            publish_at=LONDON_MORNING,
        )
        with self.settings(TIME_ZONE="Europe/London"):
            page = self.change_page(draft)
        self.assertContains(
            page, ">Schedule for Tue 4 Dec, 09:00 (Europe/London)</button>"
        )
        with self.settings(TIME_ZONE="America/New_York"):
            draft.publish_at = NEW_YORK_AFTERNOON
            draft.save()
            page = self.change_page(draft)
        self.assertContains(
            page, ">Schedule for Tue 4 Dec, 14:30 (America/New_York)</button>"
        )
        draft.publish_at = LONDON_SUMMER_MORNING
        draft.save()
        self.assertContains(
            self.change_page(draft),
            ">Schedule for Tue 5 Jun, 09:00 (Europe/London)</button>",
        )

    def test_a_past_time_publishes(self):
        draft = make_article("Draft", section=self.section, status=Article.Status.DRAFT)
        page = self.change_page(draft)
        self.assertContains(page, ">Publish</button>")
        self.assertNotContains(page, "Schedule for")

    def test_the_zone_is_named_beside_every_time_field(self):
        article = make_article("Live", section=self.section)
        article.corrections.create(text="A name was misspelt.")
        page = self.change_page(article)
        # The publish time, the correction's time and the blank correction
        # form that "Add another" copies.
        self.assertContains(page, "Europe/London time", count=3)

    def test_the_list_shows_scheduled_times(self):
        make_article("Later", section=self.section, publish_at=LONDON_MORNING)
        page = self.client.get(reverse("admin:articles_article_changelist"))
        self.assertContains(
            page,
            '<span class="state-badge state-scheduled">'
            "Scheduled for Tue 4 Dec, 09:00 (Europe/London)</span>",
            html=True,
        )
