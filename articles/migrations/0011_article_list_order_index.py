from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_working_copy"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["-publish_at", "-id"], name="article_list_order_idx"
            ),
        ),
    ]
