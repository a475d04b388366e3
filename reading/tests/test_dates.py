"""The `dates` template filters give what Django's `date` filter gives."""

from datetime import UTC, date, datetime

from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import timezone, translation

TIMES = [
    datetime(2026, 11, 28, 23, 30, 5, 120, tzinfo=UTC),
    datetime(2024, 2, 29, 0, 0, tzinfo=UTC),
    datetime(2025, 7, 1, 12, 0, tzinfo=UTC),
]


def render(source, **context):
    return Template("{% load dates %}" + source).render(Context(context))


class DateFiltersTests(SimpleTestCase):
    def assertSameAsDate(self, ours, django, **context):
        self.assertEqual(render(ours, **context), render(django, **context))

    def test_isotime_is_date_c_in_the_current_time_zone(self):
        for zone in ["UTC", "Asia/Tokyo", "America/New_York"]:
            for when in TIMES:
                with self.subTest(zone=zone, when=when), timezone.override(zone):
                    self.assertSameAsDate(
                        "{{ when|isotime }}", '{{ when|date:"c" }}', when=when
                    )
        with timezone.override("Asia/Tokyo"):
            self.assertEqual(
                render("{{ when|isotime }}", when=TIMES[0]),
                "2026-11-29T08:30:05.000120+09:00",
            )

    def test_day_is_date_for_the_local_day(self):
        formats = ["j F Y", "j M Y", "l j F Y", "Y-m-d"]
        for zone in ["UTC", "Asia/Tokyo", "America/New_York"]:
            for when in TIMES:
                for format_string in formats:
                    with (
                        self.subTest(zone=zone, when=when, format=format_string),
                        timezone.override(zone),
                    ):
                        self.assertSameAsDate(
                            f'{{{{ when|day:"{format_string}" }}}}',
                            f'{{{{ when|date:"{format_string}" }}}}',
                            when=when,
                        )
        with timezone.override("Asia/Tokyo"):
            self.assertEqual(
                render('{{ when|day:"j M Y" }}', when=TIMES[0]), "29 Nov 2026"
            )

    def test_day_follows_the_language(self):
        with translation.override("de"):
            self.assertEqual(
                render('{{ when|day:"j F Y" }}', when=date(2026, 3, 1)), "1 März 2026"
            )
        self.assertEqual(
            render('{{ when|day:"j F Y" }}', when=date(2026, 3, 1)), "1 March 2026"
        )

    def test_anything_else_gives_nothing(self):
        for value in [None, "", "2026-11-28", 42]:
            with self.subTest(value=value):
                self.assertEqual(
                    render('{{ v|isotime }}{{ v|day:"j F Y" }}', v=value), ""
                )
