# The module, not the class: a class named here would be taken for the
# configuration of the `newsroom` app itself.
from django.contrib.admin import apps


class NewsroomAdminConfig(apps.AdminConfig):
    """Django's admin, with the site of newsroom/signin.py as `admin.site`."""

    default = False
    default_site = "newsroom.signin.NewsroomAdminSite"
