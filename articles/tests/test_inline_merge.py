"""A save based on an outdated copy, merged with the inline rows (byline,
corrections) a colleague saved meanwhile: through the admin, as browsers post
the form, pressing Save again on the merge screen."""

from datetime import timedelta

import django
from django.urls import reverse
from django.utils import timezone

from articles import revisions, roles
from articles.models import Article, Correction
from articles.testing import (
    form_as_posted,
    make_article,
    make_author,
    make_user,
)

from .test_revisions import TwoEditorsTestCase

# A save of the headline of an article with two bylines and a correction,
# as before the rows took part in the merge (Django 6 runs two more).
QUERIES_OF_A_SAVE = 38 if django.VERSION < (6,) else 40


def add_row(data, prefix, **fields):
    """Add a row to an inline of posted form data, as "Add another" does."""
    index = int(data[f"{prefix}-TOTAL_FORMS"][0])
    data[f"{prefix}-TOTAL_FORMS"] = [str(index + 1)]
    data.update({f"{prefix}-{index}-{name}": [v] for name, v in fields.items()})
    return data


class InlineMergeTests(TwoEditorsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.fiona, cls.sam = cls.first, cls.second
        cls.ann, cls.bob, cls.cat, cls.dan = (
            make_author(name) for name in ["Ann", "Bob", "Cat", "Dan"]
        )

    def setUp(self):
        self.article = make_article(
            "Original headline", section=self.section, authors=[self.ann, self.bob]
        )
        self.correction = Correction.objects.create(
            article=self.article,
            text="The rate was 4%.",
            published_at=timezone.now() - timedelta(minutes=30),
        )
        self.url = reverse("admin:articles_article_change", args=[self.article.pk])

    def open(self, user):
        """Open the article's form as `user`; return it as the browser posts it."""
        self.client.force_login(user)
        return form_as_posted(self.client.get(self.url))

    def save(self, user, opened, **changes):
        self.client.force_login(user)
        changed = {name: [value] for name, value in changes.items()}
        return self.client.post(self.url, {**opened, **changed})

    def save_again(self, response, **choices):
        """Press Save on the merge screen, as the browser shows it."""
        return self.client.post(self.url, form_as_posted(response, **choices))

    def errors(self, response):
        return " ".join(response.context["adminform"].form.non_field_errors())

    def byline(self):
        return [
            (row.author.name, row.position)
            for row in self.article.bylines.select_related("author")
        ]

    def correction_texts(self):
        return list(self.article.corrections.values_list("text", flat=True))

    def headline(self):
        self.article.refresh_from_db()
        return self.article.headline

    def test_rows_a_colleague_added_are_taken_into_the_form_and_kept(self):
        opened_by_sam = self.open(self.sam)
        theirs = self.open(self.fiona)
        add_row(theirs, "bylines", author=str(self.cat.pk), position="2")
        add_row(
            theirs,
            "corrections",
            kind="update",
            text="Talks resumed on Monday.",
            published_at_0=theirs["corrections-0-published_at_0"][0],
            published_at_1=theirs["corrections-0-published_at_1"][0],
        )
        self.assertEqual(self.save(self.fiona, theirs).status_code, 302)

        response = self.save(self.sam, opened_by_sam, headline="Headline by Sam")
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            "Their changes are in the form: byline “Cat” (added), correction "
            "“Talks resumed on Monday.” (added).",
            self.errors(response),
        )
        # The merge screen's form holds their rows, as saved rows.
        shown = form_as_posted(response)
        self.assertEqual(shown["bylines-INITIAL_FORMS"], ["3"])
        self.assertEqual(shown["bylines-2-author"], [str(self.cat.pk)])
        self.assertEqual(shown["corrections-INITIAL_FORMS"], ["2"])
        self.assertEqual(self.headline(), "Original headline")

        self.assertEqual(self.save_again(response).status_code, 302)
        self.assertEqual(self.headline(), "Headline by Sam")
        self.assertEqual(self.byline(), [("Ann", 0), ("Bob", 1), ("Cat", 2)])
        self.assertCountEqual(
            self.correction_texts(), ["The rate was 4%.", "Talks resumed on Monday."]
        )

    def test_a_row_a_colleague_removed_stays_removed_and_the_save_goes_through(self):
        opened_by_sam = self.open(self.sam)
        self.save(self.fiona, self.open(self.fiona), **{"bylines-1-DELETE": "on"})

        response = self.save(self.sam, opened_by_sam, headline="Headline by Sam")
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            "Their changes are in the form: byline “Bob” (removed).",
            self.errors(response),
        )
        # Saving again is not refused for the row that is gone.
        self.assertEqual(self.save_again(response).status_code, 302)
        self.assertEqual(self.headline(), "Headline by Sam")
        self.assertEqual(self.byline(), [("Ann", 0)])

    def test_a_row_a_colleague_changed_is_not_overwritten_by_the_copy_posted(self):
        opened_by_sam = self.open(self.sam)
        self.save(
            self.fiona,
            self.open(self.fiona),
            **{"corrections-0-text": "The rate was 4.5%."},
        )

        response = self.save(self.sam, opened_by_sam, headline="Headline by Sam")
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            "Their changes are in the form: correction “The rate was 4.5%.” (changed).",
            self.errors(response),
        )
        self.assertEqual(
            form_as_posted(response)["corrections-0-text"], ["The rate was 4.5%."]
        )
        self.assertEqual(self.save_again(response).status_code, 302)
        self.assertEqual(self.headline(), "Headline by Sam")
        self.assertEqual(self.correction_texts(), ["The rate was 4.5%."])

    def test_a_row_both_changed_needs_a_choice_and_a_blind_save_is_refused_again(
        self,
    ):
        opened_by_sam = self.open(self.sam)
        self.save(
            self.fiona,
            self.open(self.fiona),
            **{"corrections-0-text": "The rate was 4.5%."},
        )
        response = self.save(
            self.sam, opened_by_sam, **{"corrections-0-text": "The rate was 5%."}
        )
        self.assertEqual(response.status_code, 200)
        (conflict,) = response.context["adminform"].form.merge.every_conflict()
        self.assertEqual(
            (conflict.label, conflict.mine, conflict.theirs),
            (
                "correction “The rate was 4.5%.”",
                "Kind: Correction\nText: The rate was 5%.\n"
                f"Time: {self.shown_time(self.correction)}",
                "Kind: Correction\nText: The rate was 4.5%.\n"
                f"Time: {self.shown_time(self.correction)}",
            ),
        )
        choice = f"merge_choice_corrections-{self.correction.pk}"
        self.assertContains(response, f'name="{choice}"', count=2)

        # Saving again without choosing is refused again, however often.
        for _ in range(2):
            response = self.save_again(response)
            self.assertEqual(response.status_code, 200)
            self.assertIn(
                "You and Fiona First both changed correction “The rate was 4.5%.”",
                self.errors(response),
            )
            self.assertEqual(self.correction_texts(), ["The rate was 4.5%."])

        self.assertEqual(self.save_again(response, **{choice: "mine"}).status_code, 302)
        self.assertEqual(self.correction_texts(), ["The rate was 5%."])

    def shown_time(self, correction):
        moment = timezone.localtime(correction.published_at)
        return moment.strftime("%Y-%m-%d %H:%M:%S")

    def test_choosing_the_saved_version_of_a_row_keeps_it_and_saves_the_rest(self):
        opened_by_sam = self.open(self.sam)
        self.save(self.fiona, self.open(self.fiona), **{"bylines-1-position": "3"})
        response = self.save(
            self.sam,
            opened_by_sam,
            headline="Headline by Sam",
            **{"bylines-1-position": "5"},
        )
        (conflict,) = response.context["adminform"].form.merge.every_conflict()
        self.assertEqual(
            (conflict.mine, conflict.theirs),
            ("Author: Bob\nPosition: 5", "Author: Bob\nPosition: 3"),
        )
        response = self.save_again(response, **{conflict.choice_name: "theirs"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.headline(), "Headline by Sam")
        self.assertEqual(self.byline(), [("Ann", 0), ("Bob", 3)])

    def test_fields_of_a_row_only_one_of_them_changed_are_merged(self):
        opened_by_sam = self.open(self.sam)
        self.save(
            self.fiona, self.open(self.fiona), **{"bylines-1-author": str(self.cat.pk)}
        )
        response = self.save(self.sam, opened_by_sam, **{"bylines-1-position": "5"})
        self.assertIn(
            "Their changes are in the form: byline “Cat” (changed).",
            self.errors(response),
        )
        self.assertEqual(self.save_again(response).status_code, 302)
        self.assertEqual(self.byline(), [("Ann", 0), ("Cat", 5)])

    def test_a_row_the_colleague_removed_and_the_editor_changed_is_a_choice(self):
        for choice, byline in [
            ("theirs", [("Ann", 0)]),
            ("mine", [("Ann", 0), ("Bob", 7)]),
        ]:
            with self.subTest(choice=choice):
                self.setUp()
                opened_by_sam = self.open(self.sam)
                self.save(
                    self.fiona, self.open(self.fiona), **{"bylines-1-DELETE": "on"}
                )
                response = self.save(
                    self.sam, opened_by_sam, **{"bylines-1-position": "7"}
                )
                (conflict,) = response.context["adminform"].form.merge.every_conflict()
                self.assertEqual(
                    (conflict.label, conflict.mine, conflict.theirs),
                    ("byline “Bob”", "Author: Bob\nPosition: 7", "(removed)"),
                )
                # The merge screen carries Sam's row until Sam chooses.
                response = self.save_again(response)
                self.assertIn(
                    "You and Fiona First both changed byline “Bob”",
                    self.errors(response),
                )
                self.assertEqual(self.byline(), [("Ann", 0)])
                response = self.save_again(response, **{conflict.choice_name: choice})
                self.assertEqual(response.status_code, 302)
                self.assertEqual(self.byline(), byline)

    def test_a_row_the_editor_removed_and_the_colleague_changed_is_a_choice(self):
        opened_by_sam = self.open(self.sam)
        self.save(
            self.fiona,
            self.open(self.fiona),
            **{"corrections-0-text": "The rate was 4.5%."},
        )
        response = self.save(self.sam, opened_by_sam, **{"corrections-0-DELETE": "on"})
        (conflict,) = response.context["adminform"].form.merge.every_conflict()
        self.assertEqual(conflict.mine, "(removed)")
        response = self.save_again(response)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.correction_texts(), ["The rate was 4.5%."])

        response = self.save_again(response, **{conflict.choice_name: "theirs"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.correction_texts(), ["The rate was 4.5%."])

    def fiona_adds_cat_while_sam_has_it_open(self):
        """Return the form as Sam opened it, before Fiona added Cat to the byline."""
        opened_by_sam = self.open(self.sam)
        theirs = self.open(self.fiona)
        self.save(
            self.fiona,
            add_row(theirs, "bylines", author=str(self.cat.pk), position="2"),
        )
        return opened_by_sam

    def test_new_rows_of_each_are_kept_and_a_row_both_added_is_added_once(self):
        opened_by_sam = self.fiona_adds_cat_while_sam_has_it_open()
        add_row(opened_by_sam, "bylines", author=str(self.cat.pk), position="2")
        add_row(opened_by_sam, "bylines", author=str(self.dan.pk), position="3")
        response = self.save(self.sam, opened_by_sam)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.save_again(response).status_code, 302)
        self.assertEqual(
            self.byline(), [("Ann", 0), ("Bob", 1), ("Cat", 2), ("Dan", 3)]
        )

    def test_an_author_both_added_in_other_places_is_for_the_editor_to_settle(self):
        opened_by_sam = self.fiona_adds_cat_while_sam_has_it_open()
        add_row(opened_by_sam, "bylines", author=str(self.cat.pk), position="0")
        response = self.save_again(self.save(self.sam, opened_by_sam))
        # Their row and Sam's are both in the form: the byline names Cat once.
        self.assertEqual(response.status_code, 200)
        bylines = response.context["inline_admin_formsets"][0].formset
        self.assertEqual(bylines.prefix, "bylines")
        self.assertIs(bylines.is_valid(), False)
        self.assertEqual(self.byline(), [("Ann", 0), ("Bob", 1), ("Cat", 2)])

    def test_odd_merge_entries_are_refused_or_merged_never_an_error(self):
        opened_by_sam = self.open(self.sam)
        self.save(self.fiona, self.open(self.fiona), headline="By Fiona")
        for odd in [
            {"merge_row_bylines-x-author": "x", "merge_choice_bylines-x": "mine"},
            {"bylines-TOTAL_FORMS": "x"},
            {"initial-corrections-0-published_at_0": "x"},
        ]:
            with self.subTest(odd=odd):
                response = self.save(self.sam, opened_by_sam, **odd)
                self.assertEqual(response.status_code, 200)
                self.assertLess(self.save_again(response).status_code, 500)
        self.assertEqual(self.headline(), "By Fiona")
        self.assertEqual(self.byline(), [("Ann", 0), ("Bob", 1)])

    def test_a_save_nobody_else_made_meanwhile_costs_no_query_more(self):
        # The first save fills Django's caches (content types, permissions).
        self.save(self.fiona, self.open(self.fiona), headline="By Fiona")
        opened = self.open(self.fiona)
        # The rows post back the values they were opened with; a save
        # compares them with the saved rows, as before, and leaves them.
        self.assertEqual(opened["initial-bylines-1-author"], [str(self.bob.pk)])
        changed = {**opened, "headline": ["Again by Fiona"]}
        with self.assertNumQueries(QUERIES_OF_A_SAVE):
            response = self.client.post(self.url, changed)
        self.assertEqual(response.status_code, 302)
        latest = revisions.versions_of(self.article).first()
        self.assertEqual(latest.revision.comment, "Changed Headline.")
        self.assertEqual(Article.objects.get().edit_version, 3)


class WriterInlineMergeTests(TwoEditorsTestCase):
    """A writer's stale save of their own draft, which an editor changed."""

    def test_a_writers_stale_save_of_a_draft_keeps_the_editors_byline_change(self):
        writer = make_user("wendy", roles.WRITER)
        ann, cat = make_author("Ann"), make_author("Cat")
        article = make_article(
            "Draft headline",
            section=self.section,
            status=Article.Status.DRAFT,
            authors=[ann],
            created_by=writer,
        )
        url = reverse("admin:articles_article_change", args=[article.pk])
        self.client.force_login(writer)
        opened_by_writer = form_as_posted(self.client.get(url))
        self.client.force_login(self.first)
        theirs = form_as_posted(self.client.get(url))
        add_row(theirs, "bylines", author=str(cat.pk), position="1")
        theirs["standfirst"] = ["Standfirst by the editor."]
        self.assertEqual(self.client.post(url, theirs).status_code, 302)

        self.client.force_login(writer)
        response = self.client.post(
            url, {**opened_by_writer, "headline": ["Headline by Wendy"]}
        )
        self.assertEqual(response.status_code, 200)
        errors = " ".join(response.context["adminform"].form.non_field_errors())
        self.assertIn("byline “Cat” (added)", errors)
        response = self.client.post(url, form_as_posted(response))
        self.assertEqual(response.status_code, 302)
        article.refresh_from_db()
        self.assertEqual(
            (article.headline, article.standfirst),
            ("Headline by Wendy", "Standfirst by the editor."),
        )
        self.assertEqual(
            list(article.bylines.values_list("author__name", flat=True)),
            ["Ann", "Cat"],
        )
