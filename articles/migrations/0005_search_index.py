"""Full-text search indexes, kept up to date by the database itself.

PostgreSQL: a trigger fills the weighted `search_vector` (headline A, standfirst
B, body C) on every insert and update, and a GIN index serves queries.
SQLite: an FTS5 table mirrors headline, standfirst and body text through
triggers. Triggers also cover bulk inserts and queryset updates.
"""

from django.db import migrations

from articles.html import html_to_text

POSTGRES_FORWARD = [
    """
    CREATE FUNCTION articles_article_search_vector_update() RETURNS trigger AS $$
    BEGIN
      NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.headline, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(NEW.standfirst, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(NEW.body_text, '')), 'C');
      RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER articles_article_search_vector
    BEFORE INSERT OR UPDATE OF headline, standfirst, body_text ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector_update()
    """,
    "CREATE INDEX articles_article_search_gin ON articles_article "
    "USING GIN (search_vector)",
    # Fire the trigger for existing rows.
    "UPDATE articles_article SET body_text = body_text",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS articles_article_search_gin",
    "DROP TRIGGER IF EXISTS articles_article_search_vector ON articles_article",
    "DROP FUNCTION IF EXISTS articles_article_search_vector_update()",
]
SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE articles_article_fts USING fts5(
      headline, standfirst, body_text,
      content='articles_article', content_rowid='id',
      tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER articles_article_fts_insert AFTER INSERT ON articles_article BEGIN
      INSERT INTO articles_article_fts(rowid, headline, standfirst, body_text)
      VALUES (new.id, new.headline, new.standfirst, new.body_text);
    END
    """,
    """
    CREATE TRIGGER articles_article_fts_delete AFTER DELETE ON articles_article BEGIN
      INSERT INTO articles_article_fts(articles_article_fts, rowid, headline,
        standfirst, body_text)
      VALUES ('delete', old.id, old.headline, old.standfirst, old.body_text);
    END
    """,
    """
    CREATE TRIGGER articles_article_fts_update AFTER UPDATE ON articles_article BEGIN
      INSERT INTO articles_article_fts(articles_article_fts, rowid, headline,
        standfirst, body_text)
      VALUES ('delete', old.id, old.headline, old.standfirst, old.body_text);
      INSERT INTO articles_article_fts(rowid, headline, standfirst, body_text)
      VALUES (new.id, new.headline, new.standfirst, new.body_text);
    END
    """,
    "INSERT INTO articles_article_fts(articles_article_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS articles_article_fts_insert",
    "DROP TRIGGER IF EXISTS articles_article_fts_delete",
    "DROP TRIGGER IF EXISTS articles_article_fts_update",
    "DROP TABLE IF EXISTS articles_article_fts",
]


def fill_body_text(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.filter(body_text="").exclude(body=""):
        Article.objects.filter(pk=article.pk).update(body_text=html_to_text(article.body))


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_search_fields")]

    operations = [
        migrations.RunPython(fill_body_text, migrations.RunPython.noop),
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
