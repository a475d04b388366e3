from django import template

from ..embeds import embed_library_images

register = template.Library()


def _picture_context(image, use, sizes, eager):
    renditions = image.rendition_set(use) if image is not None else None
    return {
        "image": image,
        "renditions": renditions,
        "src": renditions.src if renditions else None,
        "sizes": sizes,
        "eager": eager,
    }


@register.inclusion_tag("images/includes/picture.html")
def picture(image, use, sizes="100vw", eager=False):
    """Render a responsive <picture> of a library image for a use (see
    images.renditions.USES), lazy-loaded unless eager.
    Usage: {% picture article.lead_image "card" sizes="20rem" %}"""
    return _picture_context(image, use, sizes, eager)


@register.inclusion_tag("images/includes/figure.html")
def image_figure(image, use, sizes="100vw", eager=False, caption=None, css_class=""):
    """Render a <figure>: the picture, its caption (the library's unless one
    is given) and its credit.
    Usage: {% image_figure article.lead_image "lead" sizes="40rem" eager=True %}"""
    context = _picture_context(image, use, sizes, eager)
    context["caption"] = caption or (image.caption if image else "")
    context["css_class"] = css_class
    return context


@register.simple_tag(takes_context=True)
def rendition_url(context, image, use):
    """Return the absolute URL of the largest JPEG rendition of an image for a
    use, e.g. for social cards. Usage: {% rendition_url image "social" %}"""
    renditions = image.rendition_set(use) if image is not None else None
    if not renditions:
        return ""
    return context["request"].build_absolute_uri(renditions.largest().url)


@register.simple_tag
def rendition(image, use):
    """Return the largest JPEG Rendition (url, width, height) of a use.
    Usage: {% rendition image "social" as card %}"""
    renditions = image.rendition_set(use) if image is not None else None
    return renditions.largest() if renditions else None


@register.filter
def with_library_images(html):
    """Return sanitized body HTML with its library figures rendered as
    responsive pictures with credits. Usage: {{ article.body|with_library_images }}"""
    return embed_library_images(html)
