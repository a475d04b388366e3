"""The editorial roles, as Django groups with the permissions each one needs.

Permission checks happen on the server (admin permissions and the workflow
rules in articles/workflow.py); the groups only bundle permissions.
"""

WRITER = "Writer"
EDITOR = "Editor"
ADMINISTRATOR = "Administrator"

WRITER_PERMISSIONS = [
    "articles.add_article",
    "articles.change_article",
    "articles.view_article",
    "articles.view_author",
    "articles.add_articleauthor",
    "articles.change_articleauthor",
    "articles.delete_articleauthor",
    "articles.view_articleauthor",
    "articles.view_correction",
    "articles.add_previewlink",
    "articles.change_previewlink",
    "articles.view_previewlink",
    "articles.view_workflowevent",
    "images.add_image",
    "images.change_image",
    "images.view_image",
    "attachments.add_attachment",
    "attachments.change_attachment",
    "attachments.view_attachment",
    "related.add_curatedlink",
    "related.change_curatedlink",
    "related.delete_curatedlink",
    "related.view_curatedlink",
    "sections.view_section",
    "taggit.add_tag",
    "taggit.view_tag",
]

EDITOR_PERMISSIONS = [
    *WRITER_PERMISSIONS,
    "articles.publish_article",
    "articles.add_author",
    "articles.change_author",
    "articles.add_correction",
    "articles.change_correction",
    "articles.delete_correction",
    "articles.delete_previewlink",
    "images.change_any_image",
    "images.delete_image",
    "attachments.change_any_attachment",
    "attachments.delete_attachment",
    "related.view_dailyviewcount",
    # Front-page curation.
    *(
        f"frontpage.{action}_{model}"
        for model in ("block", "pinnedarticle")
        for action in ("add", "change", "delete", "view")
    ),
    "taggit.change_tag",
]

ROLES = {WRITER: WRITER_PERMISSIONS, EDITOR: EDITOR_PERMISSIONS}


def sync_roles(apps):
    """Create the role groups and give each exactly its permissions.

    The Administrator group gets every permission there is, so it stays
    complete as apps add models.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = Permission.objects.none()
        for dotted in permissions:
            app_label, codename = dotted.split(".")
            wanted |= Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            )
        group.permissions.set(wanted)
    administrator, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    administrator.permissions.set(Permission.objects.all())


def sync_roles_after_migrate(sender, **kwargs):
    from django.apps import apps

    sync_roles(apps)
