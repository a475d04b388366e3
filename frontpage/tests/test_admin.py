from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from articles.roles import EDITOR, WRITER
from articles.testing import make_article, make_section, make_user
from frontpage.models import Block

CHANGELIST = "/admin/frontpage/block/"


def block_form(**fields):
    now = timezone.localtime()
    data = {
        "kind": "section",
        "section": "",
        "title": "",
        "size": "4",
        "position": "10",
        "deduplicate": "on",
        "live_from_0": now.strftime("%Y-%m-%d"),
        "live_from_1": now.strftime("%H:%M:%S"),
        "pins-TOTAL_FORMS": "0",
        "pins-INITIAL_FORMS": "0",
        "pins-MIN_NUM_FORMS": "0",
        "pins-MAX_NUM_FORMS": "1000",
    }
    data.update(fields)
    return data


class BlockAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("eddie", EDITOR)
        cls.world = make_section("World News", slug="world")
        cls.story = make_article("Blinken begins talks in China", section=cls.world)

    def setUp(self):
        self.client.force_login(self.editor)

    def test_an_editor_pins_articles_in_order(self):
        other = make_article("Second pick", section=self.world)
        response = self.client.post(
            f"{CHANGELIST}add/",
            block_form(
                kind="section",
                section=str(self.world.pk),
                **{
                    "pins-TOTAL_FORMS": "2",
                    "pins-0-article": str(other.pk),
                    "pins-0-position": "2",
                    "pins-1-article": str(self.story.pk),
                    "pins-1-position": "1",
                },
            ),
        )
        self.assertRedirects(response, CHANGELIST)
        block = Block.objects.get()
        self.assertEqual([pin.article for pin in block.pins.all()], [self.story, other])
        page = self.client.get(CHANGELIST)
        self.assertContains(page, '<td class="field-state">Live</td>')
        self.assertContains(page, "Blinken begins talks in China, Second pick")

    def test_pinned_articles_are_chosen_with_autocomplete(self):
        response = self.client.get(f"{CHANGELIST}add/")
        self.assertContains(response, 'data-ajax--url="/admin/autocomplete/"')
        found = self.client.get(
            "/admin/autocomplete/",
            {
                "app_label": "frontpage",
                "model_name": "pinnedarticle",
                "field_name": "article",
                "term": "Blinken",
            },
        )
        self.assertEqual(
            [r["text"] for r in found.json()["results"]], [self.story.headline]
        )

    def test_a_section_block_needs_its_section_and_the_lead_one_story(self):
        response = self.client.post(f"{CHANGELIST}add/", block_form())
        self.assertContains(response, "Choose the section this block shows.")
        response = self.client.post(
            f"{CHANGELIST}add/", block_form(kind="lead", size="3")
        )
        self.assertContains(response, "The lead shows one story.")
        self.assertFalse(Block.objects.exists())

    def test_the_list_tells_scheduled_and_replaced_blocks_apart(self):
        now = timezone.now()
        Block.objects.create(kind="lead", size=1, live_from=now - timedelta(days=1))
        Block.objects.create(kind="lead", size=1, live_from=now - timedelta(hours=1))
        Block.objects.create(kind="lead", size=1, live_from=now + timedelta(hours=1))
        response = self.client.get(CHANGELIST)
        for state in ["Replaced", "Live", "Scheduled"]:
            self.assertContains(response, f'<td class="field-state">{state}</td>')
        scheduled = self.client.get(CHANGELIST, {"state": "scheduled"})
        self.assertEqual(len(scheduled.context["cl"].result_list), 1)

    def test_the_standard_arrangement_is_stored_as_blocks(self):
        page = self.client.get(CHANGELIST)
        self.assertContains(page, "Store the standard arrangement")
        response = self.client.post(f"{CHANGELIST}standard/")
        self.assertRedirects(response, CHANGELIST)
        self.assertEqual(
            [(b.kind, b.section) for b in Block.objects.all()],
            [("lead", None), ("top", None), ("section", self.world)],
        )
        self.assertNotContains(self.client.get(CHANGELIST), "Store the standard")

    def test_writers_cannot_arrange_the_front_page(self):
        self.client.force_login(make_user("wanda", WRITER))
        self.assertEqual(self.client.get(CHANGELIST).status_code, 403)
        self.assertEqual(self.client.post(f"{CHANGELIST}standard/").status_code, 403)
