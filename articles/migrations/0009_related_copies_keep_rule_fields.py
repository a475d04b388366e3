"""Related-link copies keep the fields the visibility rule reads.

Each copied link was [id, headline, slug, publish time, section id]; it now
has a sixth item, the values of the rule's other fields (see
reading.display.copy_related), so that pages evaluate the rule itself on
it. Copies made before held published targets only, so those values were
{"status": "published"}. Without this, every page would read its stored list
instead (one more query) until the list was computed again.
"""

from django.db import migrations

BATCH = 500


def add_rule_fields(apps, schema_editor):
    ArticleDisplayData = apps.get_model("articles", "ArticleDisplayData")
    rows = ArticleDisplayData.objects.filter(related__isnull=False).order_by("pk")
    changed = []
    for row in rows.iterator(chunk_size=BATCH):
        if all(len(link) == 5 for link in row.related) and row.related:
            row.related = [[*link, {"status": "published"}] for link in row.related]
            changed.append(row)
        if len(changed) == BATCH:
            ArticleDisplayData.objects.bulk_update(changed, ["related"], batch_size=100)
            changed = []
    ArticleDisplayData.objects.bulk_update(changed, ["related"], batch_size=100)


def drop_rule_fields(apps, schema_editor):
    ArticleDisplayData = apps.get_model("articles", "ArticleDisplayData")
    rows = ArticleDisplayData.objects.filter(related__isnull=False).order_by("pk")
    changed = []
    for row in rows.iterator(chunk_size=BATCH):
        if row.related and all(len(link) == 6 for link in row.related):
            row.related = [link[:5] for link in row.related]
            changed.append(row)
        if len(changed) == BATCH:
            ArticleDisplayData.objects.bulk_update(changed, ["related"], batch_size=100)
            changed = []
    ArticleDisplayData.objects.bulk_update(changed, ["related"], batch_size=100)


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_article_display_data")]

    operations = [migrations.RunPython(add_rule_fields, drop_rule_fields)]
