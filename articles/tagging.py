"""How editors type tags: a comma-separated list, where spaces belong to names.

Newsroom tags are often several words ("United States", "Antony Blinken"), so
unlike taggit's default, a comma is the only separator. Wired in through the
TAGGIT_TAGS_FROM_STRING and TAGGIT_STRING_FROM_TAGS settings.
"""


def parse_tags(text):
    """Return the sorted, distinct tag names in a comma-separated string."""
    names = {}
    for part in (text or "").split(","):
        name = " ".join(part.strip().strip('"').split())
        if name:
            names.setdefault(name.casefold(), name)
    return sorted(names.values(), key=str.casefold)


def edit_string(tags):
    """Return tags as the comma-separated string the tag field shows."""
    return ", ".join(sorted((tag.name for tag in tags), key=str.casefold))
