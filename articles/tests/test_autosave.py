"""Autosave keeps an editor's unsaved changes for them, never on the article."""

from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from articles.models import Article, WorkingCopy
from articles.testing import change_form_data, make_article, make_section, make_user


class AutosaveTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("edna", "Editor", first_name="Edna", last_name="Ed")
        cls.other = make_user("otto", "Editor", first_name="Otto", last_name="O")
        cls.writer = make_user("wes", "Writer")
        cls.section = make_section("World News", slug="world")

    def setUp(self):
        cache.clear()
        self.article = make_article("Saved headline", section=self.section)
        self.change_url = reverse(
            "admin:articles_article_change", args=[self.article.pk]
        )
        self.autosave_url = reverse(
            "admin:articles_article_autosave", args=[self.article.pk]
        )
        self.client.force_login(self.editor)

    def autosave(self, **changes):
        data = change_form_data(self.article, **changes)
        return self.client.post(self.autosave_url, data)

    def test_autosave_keeps_the_form_for_its_editor_and_not_on_the_article(self):
        response = self.autosave(headline="Typed, not saved")
        self.assertEqual(response.status_code, 200)
        self.assertIn("saved_at", response.json())
        self.article.refresh_from_db()
        self.assertEqual(self.article.headline, "Saved headline")
        copy = WorkingCopy.objects.get(user=self.editor, article=self.article)
        self.assertEqual(copy.data["headline"], ["Typed, not saved"])
        self.assertNotIn("csrfmiddlewaretoken", copy.data)
        # The next autosave replaces it.
        self.autosave(headline="Typed again")
        self.assertEqual(WorkingCopy.objects.get().data["headline"], ["Typed again"])

    def test_reopening_offers_the_changes_back_with_what_differs(self):
        self.autosave(headline="Typed, not saved", standfirst="New standfirst.")
        page = self.client.get(self.change_url)
        self.assertContains(page, "You have unsaved changes")
        self.assertEqual(
            page.context["working_copy_changes"], ["Headline", "Standfirst"]
        )
        self.assertContains(page, "Restore my changes")
        # The form itself still shows the article as saved.
        self.assertContains(page, 'value="Saved headline"')
        # Nobody else is offered them.
        self.client.force_login(self.other)
        self.assertNotContains(self.client.get(self.change_url), "unsaved changes")

    def test_restoring_puts_them_in_the_form_and_saving_stores_them(self):
        self.autosave(headline="Typed, not saved")
        response = self.client.post(
            reverse("admin:articles_article_autosave_restore", args=[self.article.pk])
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="Typed, not saved"')
        self.assertContains(response, "Your unsaved changes are back in the form")
        # The form posts to the article, not back to the restore page.
        self.assertContains(response, f'action="{self.change_url}"')
        self.article.refresh_from_db()
        self.assertEqual(self.article.headline, "Saved headline")

        form = response.context["adminform"].form
        data = {key: form.data.getlist(key) for key in form.data}
        del data["_restore_autosave"]  # not a field: the browser does not post it
        self.assertEqual(self.client.post(self.change_url, data).status_code, 302)
        self.article.refresh_from_db()
        self.assertEqual(self.article.headline, "Typed, not saved")
        self.assertFalse(WorkingCopy.objects.exists())

    def test_restoring_after_a_colleagues_save_leads_to_the_merge(self):
        self.autosave(headline="Edna's headline")
        self.client.force_login(self.other)
        self.client.post(
            self.change_url, change_form_data(self.article, standfirst="By Otto.")
        )
        self.client.force_login(self.editor)
        response = self.client.post(
            reverse("admin:articles_article_autosave_restore", args=[self.article.pk])
        )
        errors = " ".join(response.context["adminform"].form.non_field_errors())
        self.assertIn("Otto O saved this article", errors)
        self.assertContains(response, 'value="Edna&#x27;s headline"')
        self.assertContains(response, "By Otto.")

    def test_discarding_removes_them(self):
        self.autosave(headline="Typed, not saved")
        response = self.client.post(
            reverse("admin:articles_article_autosave_discard", args=[self.article.pk])
        )
        self.assertRedirects(response, self.change_url)
        self.assertFalse(WorkingCopy.objects.exists())
        self.assertNotContains(self.client.get(self.change_url), "unsaved changes")

    def test_changes_that_were_saved_meanwhile_are_not_offered(self):
        self.autosave(headline="Same")
        self.client.post(
            self.change_url, change_form_data(self.article, headline="Same")
        )
        self.assertNotContains(self.client.get(self.change_url), "unsaved changes")

    def test_only_people_who_may_change_the_article_keep_changes_of_it(self):
        self.client.force_login(self.writer)  # a live article: read-only
        self.assertEqual(self.autosave(headline="Nope").status_code, 403)
        self.assertEqual(self.client.get(self.autosave_url).status_code, 405)
        self.assertFalse(WorkingCopy.objects.exists())

    def test_a_new_article_is_kept_and_offered_back_on_the_add_page(self):
        add_url = reverse("admin:articles_article_add")
        self.client.force_login(self.writer)
        data = change_form_data(self.article, headline="A new story")
        data["slug"] = ""
        data.pop("loaded_version")
        response = self.client.post(reverse("admin:articles_article_autosave"), data)
        self.assertEqual(response.status_code, 200)
        page = self.client.get(add_url)
        self.assertContains(page, "You have unsaved changes")
        self.assertIn("Headline", page.context["working_copy_changes"])
        response = self.client.post(reverse("admin:articles_article_autosave_restore"))
        self.assertContains(response, 'value="A new story"')
        self.assertContains(response, f'action="{add_url}"')
        form = response.context["adminform"].form
        posted = {key: form.data.getlist(key) for key in form.data}
        del posted["_restore_autosave"]
        posted["slug"] = "a-new-story"
        self.assertEqual(self.client.post(add_url, posted).status_code, 302)
        self.assertTrue(Article.objects.filter(headline="A new story").exists())
        self.assertFalse(WorkingCopy.objects.exists())
