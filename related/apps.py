from django.apps import AppConfig


class RelatedConfig(AppConfig):
    name = "related"
    verbose_name = "Related and popular posts"
