"""`{% link %}` (reading/templatetags/links.py) gives what `{% url %}` gives."""

from django.template import Context, Template
from django.test import SimpleTestCase


class LinkTagTests(SimpleTestCase):
    def test_link_tag_escapes_like_the_url_tag(self):
        template = Template(
            "{% load links %}"
            '<a href="{% link "articles:tag" slug %}">'
            '<a href="{% url "articles:tag" slug %}">'
        )
        html = template.render(Context({"slug": "el-niño"}))
        first, second = html.split("><")
        self.assertEqual(first + ">", "<" + second)
        self.assertIn("/tag/el-ni%C3%B1o/", first)
