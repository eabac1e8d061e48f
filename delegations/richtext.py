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


def RichTextField(*args, **kwargs):
    return ProseEditorField(*args, extensions=RICH_TEXT_EXTENSIONS, sanitize=True, **kwargs)
