"""Turn the demo content's plain-text markup into article body HTML.

Paragraphs are separated by blank lines; a line starting with "## " is a
subheading and a paragraph starting with "> " is a quotation.
"""

from django.utils.html import escape


def to_html(text):
    """Return body HTML for the demo markup in `text`."""
    blocks = []
    for block in text.strip().split("\n\n"):
        block = " ".join(line.strip() for line in block.strip().splitlines())
        if not block:
            continue
        if block.startswith("## "):
            blocks.append(f"<h2>{escape(block[3:].strip())}</h2>")
        elif block.startswith("> "):
            blocks.append(
                f"<blockquote><p>{escape(block[2:].strip())}</p></blockquote>"
            )
        else:
            blocks.append(f"<p>{escape(block)}</p>")
    return "\n".join(blocks)
