import re
from html import unescape

from django.utils.html import strip_tags
from django_prose_editor.fields import ProseEditorField

# What editors may format: enough for well-structured prose, nothing that needs HTML
# knowledge or could break a page. The same list drives the editor's toolbar and
# the nh3 sanitiser, so what the editor lets through is exactly what is stored.
RICH_TEXT_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "History": True,
}


class RichTextField(ProseEditorField):
    """Rich text that is sanitised with nh3 whenever it is saved, whoever saves it.

    The admin form sanitises too; doing it again on save also covers imports, the shell
    and any future form, so nothing unsanitised can reach a page marked `|safe`.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, extensions=RICH_TEXT_EXTENSIONS, sanitize=True, **kwargs)

    def pre_save(self, model_instance, add):
        value = self.sanitize(getattr(model_instance, self.attname) or "")
        setattr(model_instance, self.attname, value)
        return value


BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(?:p|li|h[1-6]|blockquote)>")


def plain_text(html, *, paragraphs=False):
    """Rich text as plain text: one line, or with its paragraphs kept apart.

    For what cannot hold HTML: search excerpts, JSON-LD, calendar files and feeds.
    """
    text = unescape(strip_tags(BLOCK_END.sub("\n", html or "")))
    if not paragraphs:
        return " ".join(text.split())
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()
