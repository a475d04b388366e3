from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from articles import revisions, workflow
from articles.models import Article
from articles.testing import (
    change_form_data,
    make_article,
    make_section,
    make_user,
)

Status = Article.Status


class RevisionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("edna", "Editor", first_name="Edna", last_name="Ed")
        cls.world = make_section("World News", slug="world")
        cls.politics = make_section("Politics", slug="politics")

    def setUp(self):
        self.client.force_login(self.editor)
        self.article = make_article(
            "First headline",
            section=self.world,
            standfirst="First standfirst.",
            body="<p>The talks began on Sunday.</p>",
            tags=["China"],
        )
        self.url = reverse("admin:articles_article_change", args=[self.article.pk])

    def save_through_admin(self, **changes):
        self.article.refresh_from_db()
        response = self.client.post(self.url, change_form_data(self.article, **changes))
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        self.article.refresh_from_db()

    def test_every_admin_save_and_workflow_step_keeps_a_revision(self):
        self.save_through_admin(headline="Second headline")
        self.save_through_admin(_transition="unpublish")
        versions = list(revisions.versions_of(self.article))
        # Creating the article outside the admin kept the first revision.
        self.assertEqual(len(versions), 3)
        self.assertEqual(versions[0].revision.user, self.editor)
        self.assertIn("Unpublish", versions[0].revision.get_comment())
        self.assertIn("Headline", versions[1].revision.get_comment())
        self.assertEqual(versions[1].field_dict["headline"], "Second headline")

    def test_diff_shows_headline_body_tags_and_section_changes(self):
        self.save_through_admin()
        self.save_through_admin(
            headline="Talks collapse",
            body="<p>The talks ended on Monday.</p>",
            tags="China, Diplomacy",
            section=str(self.politics.pk),
        )
        new, old = revisions.versions_of(self.article)[:2]
        response = self.client.get(
            reverse("admin:articles_article_compare", args=[self.article.pk]),
            {"from": old.pk, "to": new.pk},
        )
        changes = {c.label: c for c in response.context["changes"]}
        self.assertEqual(set(changes), {"Headline", "Body text", "Tags", "Section"})
        self.assertEqual(changes["Tags"].old, "China")
        self.assertEqual(changes["Tags"].new, "China, Diplomacy")
        self.assertEqual(changes["Section"].new, "Politics")
        self.assertContains(response, "<del>began</del>", html=True)
        self.assertContains(response, "<ins>ended</ins>", html=True)
        self.assertContains(response, "<del>Sunday.</del>", html=True)
        self.assertContains(response, "<del>First headline</del>", html=True)

    def test_compare_with_unknown_revision_is_404(self):
        url = reverse("admin:articles_article_compare", args=[self.article.pk])
        for params in [{"from": "999999"}, {"from": "x"}, {}]:
            with self.subTest(params=params):
                self.assertEqual(self.client.get(url, params).status_code, 404)

    def test_restoring_an_old_revision_creates_a_new_one_and_keeps_the_state(self):
        self.save_through_admin()
        first = revisions.versions_of(self.article).first()
        self.save_through_admin(
            headline="Rewritten", tags="Trade", section=str(self.politics.pk)
        )
        restore = reverse(
            "admin:articles_article_restore", args=[self.article.pk, first.pk]
        )
        # The article is live: restoring asks first, showing what changes.
        response = self.client.post(restore)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This article is live")
        self.assertContains(response, "<ins>First headline</ins>", html=True)
        self.article.refresh_from_db()
        self.assertEqual(self.article.headline, "Rewritten")

        response = self.client.post(restore, {"confirm": "yes"})
        self.assertEqual(response.status_code, 302)
        self.article.refresh_from_db()
        self.assertEqual(self.article.headline, "First headline")
        self.assertEqual(list(self.article.tags.names()), ["China"])
        self.assertEqual(self.article.section, self.world)
        self.assertIs(self.article.is_live(), True)
        self.client.logout()
        page = self.client.get(self.article.get_absolute_url())
        self.assertContains(page, '<a href="/tag/china/" rel="tag">China</a>')
        self.assertNotContains(page, "/tag/trade/")
        versions = list(revisions.versions_of(self.article))
        self.assertEqual(len(versions), 4)
        self.assertIn("Restored", versions[0].revision.get_comment())
        self.assertEqual(versions[1].field_dict["headline"], "Rewritten")

    def test_history_page_lists_revisions_and_workflow_steps(self):
        self.save_through_admin(headline="Second headline")
        workflow.transition(self.article, "unpublish", user=self.editor)
        response = self.client.get(
            reverse("admin:articles_article_history", args=[self.article.pk])
        )
        self.assertEqual(len(response.context["revision_rows"]), 3)
        self.assertContains(response, "Compare selected revisions")
        self.assertContains(response, "unpublish")

    def test_writer_cannot_restore_a_published_article(self):
        self.save_through_admin()
        version = revisions.versions_of(self.article).first()
        writer = make_user("walter", "Writer")
        self.client.force_login(writer)
        response = self.client.post(
            reverse(
                "admin:articles_article_restore", args=[self.article.pk, version.pk]
            )
        )
        self.assertEqual(response.status_code, 403)


class TwoEditorsTestCase(TestCase):
    """Two editors who may change the same articles, in one section."""

    @classmethod
    def setUpTestData(cls):
        cls.first = make_user("fiona", "Editor", first_name="Fiona", last_name="First")
        cls.second = make_user("sam", "Editor")
        cls.section = make_section("World News", slug="world")


class LostUpdateTests(TwoEditorsTestCase):
    def open_and_save(self, user, article, opened=None, **changes):
        """Log in as `user` and post the article's form as it was `opened`
        (by default: now), with `changes`."""
        self.client.force_login(user)
        url = reverse("admin:articles_article_change", args=[article.pk])
        return self.client.post(
            url, {**(opened or change_form_data(article)), **changes}
        )

    def resubmit(self, response, **choices):
        """Post the merge screen's form again as the browser shows it."""
        form = response.context["adminform"].form
        data = {key: form.data.getlist(key) for key in form.data}
        data.update(choices)
        return self.client.post(response.wsgi_request.path, data)

    def test_stale_save_is_refused_with_the_colleagues_changes_merged_in(self):
        article = make_article(
            "Original headline", section=self.section, standfirst="Original."
        )
        opened_by_second = change_form_data(article)
        response = self.open_and_save(self.first, article, headline="By Fiona")
        self.assertEqual(response.status_code, 302)

        response = self.open_and_save(
            self.second, article, opened_by_second, standfirst="Standfirst by Sam."
        )
        self.assertEqual(response.status_code, 200)
        errors = " ".join(response.context["adminform"].form.non_field_errors())
        self.assertIn("Fiona First saved this article", errors)
        self.assertIn("Their changes are in the form: Headline.", errors)
        # The form now holds both: Fiona's headline and Sam's standfirst.
        self.assertContains(response, 'value="By Fiona"')
        self.assertContains(response, "Standfirst by Sam.")
        self.assertNotContains(response, "merge-conflict")
        article.refresh_from_db()
        self.assertEqual(
            (article.headline, article.standfirst), ("By Fiona", "Original.")
        )

        self.assertEqual(self.resubmit(response).status_code, 302)
        article.refresh_from_db()
        self.assertEqual(
            (article.headline, article.standfirst), ("By Fiona", "Standfirst by Sam.")
        )

    def test_a_conflicting_field_needs_a_choice_and_a_blind_save_is_refused_again(self):
        article = make_article("Original headline", section=self.section)
        opened_by_second = change_form_data(article)
        self.open_and_save(self.first, article, headline="Headline by Fiona")
        response = self.open_and_save(
            self.second, article, opened_by_second, headline="Headline by Sam"
        )
        self.assertEqual(response.status_code, 200)
        conflicts = response.context["adminform"].form.merge.conflicts
        self.assertEqual(
            [(c.label, c.mine, c.theirs) for c in conflicts],
            [("Headline", "Headline by Sam", "Headline by Fiona")],
        )
        self.assertContains(response, 'name="merge_choice_headline"', count=2)

        # Saving again without choosing is refused again, however often.
        for _ in range(2):
            response = self.resubmit(response)
            self.assertEqual(response.status_code, 200)
            errors = " ".join(response.context["adminform"].form.non_field_errors())
            self.assertIn("You and Fiona First both changed Headline", errors)
            article.refresh_from_db()
            self.assertEqual(article.headline, "Headline by Fiona")

        self.assertEqual(
            self.resubmit(response, merge_choice_headline="mine").status_code, 302
        )
        article.refresh_from_db()
        self.assertEqual(article.headline, "Headline by Sam")

    def test_choosing_the_saved_version_keeps_it_and_saves_the_rest(self):
        article = make_article("Original headline", section=self.section)
        opened_by_second = change_form_data(article)
        self.open_and_save(self.first, article, headline="Headline by Fiona")
        response = self.open_and_save(
            self.second,
            article,
            opened_by_second,
            headline="Headline by Sam",
            seo_title="SEO by Sam",
            tags="Diplomacy",
        )
        response = self.resubmit(response, merge_choice_headline="theirs")
        self.assertEqual(response.status_code, 302)
        article.refresh_from_db()
        self.assertEqual(article.headline, "Headline by Fiona")
        self.assertEqual(article.seo_title, "SEO by Sam")
        self.assertEqual(list(article.tags.names()), ["Diplomacy"])

    def test_a_save_meanwhile_during_the_merge_shows_the_merge_again(self):
        article = make_article("Original headline", section=self.section)
        opened_by_second = change_form_data(article)
        self.open_and_save(self.first, article, headline="Headline by Fiona")
        response = self.open_and_save(
            self.second, article, opened_by_second, headline="Headline by Sam"
        )
        article.refresh_from_db()
        self.open_and_save(self.first, article, headline="Fiona again")
        self.client.force_login(self.second)
        response = self.resubmit(response, merge_choice_headline="theirs")
        self.assertEqual(response.status_code, 200)
        (conflict,) = response.context["adminform"].form.merge.conflicts
        self.assertEqual((conflict.theirs, conflict.choice), ("Fiona again", ""))
        article.refresh_from_db()
        self.assertEqual(article.headline, "Fiona again")

    def test_fields_and_tags_only_the_colleague_changed_are_kept(self):
        other = make_section("Politics", slug="politics")
        article = make_article("Original headline", section=self.section)
        opened_by_second = change_form_data(article)
        self.open_and_save(
            self.first,
            article,
            section=str(other.pk),
            tags="Talks, Trade",
            featured="on",
        )
        response = self.open_and_save(
            self.second, article, opened_by_second, standfirst="By Sam."
        )
        self.assertEqual(response.status_code, 200)
        merge = response.context["adminform"].form.merge
        self.assertEqual(
            set(merge.taken_labels()),
            {"Section", "Tags", "Featured"},
        )
        self.assertEqual(self.resubmit(response).status_code, 302)
        article.refresh_from_db()
        self.assertEqual(article.section, other)
        self.assertTrue(article.featured)
        self.assertEqual(sorted(article.tags.names()), ["Talks", "Trade"])
        self.assertEqual(article.standfirst, "By Sam.")

    def test_form_without_a_loaded_version_is_refused(self):
        article = make_article("Headline", section=self.section)
        self.client.force_login(self.first)
        data = change_form_data(article, headline="Blind save")
        del data["loaded_version"]
        url = reverse("admin:articles_article_change", args=[article.pk])
        self.assertEqual(self.client.post(url, data).status_code, 200)
        article.refresh_from_db()
        self.assertEqual(article.headline, "Headline")

    def test_edit_page_shows_who_else_has_it_open_and_who_is_changing_it(self):
        cache.clear()  # who had which article open in other tests
        article = make_article("Headline", section=self.section)
        url = reverse("admin:articles_article_change", args=[article.pk])
        heartbeat = reverse("admin:articles_article_editing", args=[article.pk])
        self.client.force_login(self.first)
        self.client.get(url)
        self.client.force_login(self.second)
        response = self.client.get(url)
        self.assertContains(response, "Also open:")
        self.assertContains(response, "Fiona First (reading it, just now)")

        # Fiona types: her page's heartbeat says so.
        self.client.force_login(self.first)
        self.client.get(heartbeat, {"editing": "1"})
        self.client.force_login(self.second)
        (other,) = self.client.get(heartbeat).json()["others"]
        self.assertEqual((other["name"], other["editing"]), ("Fiona First", True))
        self.assertContains(self.client.get(url), "Fiona First (changing it, just now)")

    def test_people_who_may_only_read_the_article_are_not_counted(self):
        cache.clear()  # who had which article open in other tests
        writer = make_user("wes", "Writer")
        article = make_article("Headline", section=self.section)
        url = reverse("admin:articles_article_change", args=[article.pk])
        heartbeat = reverse("admin:articles_article_editing", args=[article.pk])
        self.client.force_login(writer)  # a live article: the writer reads it
        self.assertEqual(self.client.get(url).status_code, 200)
        self.client.get(heartbeat, {"editing": "1"})
        self.client.force_login(self.first)
        self.assertNotContains(self.client.get(url), "Also open:")
        self.assertEqual(self.client.get(heartbeat).json()["others"], [])
