"""What search engines and link previews read: JSON-LD, Open Graph and Twitter card tags."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader_tags import BlockNode
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core import structured_data

register = template.Library()

# As json_script does: inside <script> only "</script>" (or "<!--") could end the data early,
# so <, > and & are written as JSON escapes, which parse back to the same characters.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter(is_safe=True)
def jsonld(data):
    """`data` as a <script type="application/ld+json"> block that is safe in any page."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return format_html(
        '<script type="application/ld+json">{}</script>',
        # JSON with <, > and & escaped cannot leave the <script> element.
        mark_safe(text.translate(JSON_SCRIPT_ESCAPES)),  # nosec B308 B703
    )


class ReuseBlockNode(template.Node):
    def __init__(self, name):
        self.name = name

    def render(self, context):
        # An empty block of the same name renders the page's own version of it, as the
        # {% block %} tag itself does, so <title> and og:title can never disagree.
        return BlockNode(self.name, template.NodeList()).render(context)


@register.tag
def reuse_block(parser, token):
    """{% reuse_block title %}: render the block `title` again, as the page filled it."""
    try:
        _, name = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("reuse_block takes one block name.") from None
    return ReuseBlockNode(name)


@register.simple_tag(takes_context=True)
def social_image(context, image):
    """og:image and a large Twitter card for a page with a photo (a PreviewImage); a small
    card without (None)."""
    if image is None:
        return mark_safe('<meta name="twitter:card" content="summary">')  # nosec B308
    url = context["request"].build_absolute_uri(image.file.url)
    tags = [
        format_html('<meta property="og:image" content="{}">', url),
        format_html('<meta property="og:image:alt" content="{}">', image.alt),
    ]
    if image.width and image.height:
        tags += [
            format_html('<meta property="og:image:width" content="{}">', image.width),
            format_html('<meta property="og:image:height" content="{}">', image.height),
        ]
    tags += [
        mark_safe('<meta name="twitter:card" content="summary_large_image">'),  # nosec B308
        format_html('<meta name="twitter:image:alt" content="{}">', image.alt),
    ]
    # Each tag was built by format_html() or is a constant.
    return mark_safe("\n    ".join(tags))  # nosec B308 B703


@register.simple_tag
def organization_jsonld():
    return jsonld(structured_data.cosn_organization())
