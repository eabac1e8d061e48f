"""The fixed wording of the public pages, which editors may change in the admin.

Each piece is registered here (by cosn_global/wording.py, which names them all) under a
stable key, with where it appears and its default: the text the page had before anyone
changed it. An editor's change is a core.models.Wording row; a piece nobody changed has
no row, and shows its default. Templates show a piece with `{% wording "key" %}`
(core/templatetags/wording.py), which costs no query: the changes are loaded once per
content version (see Wording.texts).

Wording is plain text, escaped when shown. A default may hold placeholders such as
{days}, which the template fills in; a change must keep exactly the same ones.
"""

import functools
import logging
import re
import string
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)

# Something a browser would read as a tag, a comment or a character reference.
MARKUP = re.compile(r"<\s*[/!a-zA-Z]|&#?\w+;")
# What must not be read as markup, in text or in a double-quoted attribute value (every
# template quotes attributes with double quotes). Apostrophes stay as typed, as they were
# in the templates: "The delegates' journal" is the same text in the page's source.
ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
# Unknown keys raise instead of showing nothing: while developing, and in the tests.
STRICT = False


class UnknownWording(KeyError):
    pass


@dataclass(frozen=True)
class Entry:
    key: str
    group: str
    where: str
    default: str
    max_length: int

    # Asked on every render: parsed once.
    @functools.cached_property
    def placeholders(self):
        return placeholders(self.default)


REGISTRY = {}
GROUPS = {}


def group(prefix, name):
    """Name the group of keys that start with `prefix.` (the admin lists them under it)."""
    GROUPS[prefix] = name


def register(key, where, default, max_length=None):
    if key in REGISTRY:
        raise ImproperlyConfigured(f"The wording {key!r} is registered twice.")
    prefix = key.split(".")[0]
    if prefix not in GROUPS:
        raise ImproperlyConfigured(f"The wording {key!r} belongs to no group: call group().")
    # Room to reword, but not to turn a label into a paragraph.
    limit = max_length or min(1000, max(80, 2 * len(default)))
    entry = Entry(key, GROUPS[prefix], where, default, limit)
    problems = list(mistakes(entry, default))
    if problems:
        raise ImproperlyConfigured(f"The default of {key!r} is not valid: {problems}")
    REGISTRY[key] = entry
    return entry


def register_form(prefix, form_class, where):
    """Register the visible fields' labels and hints of a visitors' form, with the form's
    own wording as defaults: `form.<prefix>.<field>.label` and `….help`."""
    for name, field in form_class.base_fields.items():
        if name == getattr(form_class, "honeypot_name", None):
            continue
        if field.label:
            register(
                f"form.{prefix}.{name}.label", f"{where}, field “{name}”: its label", field.label
            )
        if field.help_text:
            register(
                f"form.{prefix}.{name}.help", f"{where}, field “{name}”: its hint", field.help_text
            )


def placeholders(text):
    """The placeholders in `text`, such as {"days"}; ValueError if its braces are not
    placeholders."""
    names = set()
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(name)
        names.add(name)
    return names


def one_line(text):
    return " ".join(text.split())


def mistakes(entry, text):
    """What is wrong with `text` as the wording of `entry`, in an editor's words."""
    if len(text) > entry.max_length:
        yield f"Keep it to {entry.max_length} characters at most (this is {len(text)})."
    if MARKUP.search(text):
        yield (
            "Write plain text: tags such as <b> or codes such as &amp; would show on the "
            "page exactly as typed."
        )
    wanted = entry.placeholders
    try:
        found = placeholders(text)
    except ValueError:
        yield (
            "Use curly brackets only around a placeholder"
            + (f", such as {{{sorted(wanted)[0]}}}." if wanted else "; this text has none.")
        )
        return
    for name in sorted(wanted - found):
        yield f"Keep the placeholder {{{name}}}: the page puts its value there."
    for name in sorted(found - wanted):
        if wanted:
            known = ", ".join(f"{{{known}}}" for known in sorted(wanted))
            yield f"{{{name}}} is not a placeholder of this text; it has {known}."
        else:
            yield f"{{{name}}} is not a placeholder: this text has none."


def validate(key, text):
    """Raise ValidationError unless `text` may replace the wording `key`."""
    entry = REGISTRY.get(key)
    if entry is None:
        raise ValidationError("Choose which wording to change.")
    if not text.strip():
        raise ValidationError("Write the text; to go back to the default, use “Reset”.")
    problems = list(mistakes(entry, text))
    if problems:
        raise ValidationError(problems)


def text(key, changes=None, values=None):
    """The wording `key` as safe HTML: the editor's change in `changes` or the default,
    escaped, with its placeholders filled in from `values` (escaped too)."""
    entry = REGISTRY.get(key)
    if entry is None:
        if STRICT or settings.DEBUG:
            raise UnknownWording(key)
        logger.error("Unknown wording %r: nothing shown.", key)
        return ""
    chosen = (changes or {}).get(key, entry.default)
    html = chosen.translate(ESCAPES)
    if entry.placeholders:
        values = values or {}
        filled = {name: conditional_escape(values.get(name, "")) for name in entry.placeholders}
        html = html.format(**filled)
    return mark_safe(html)  # nosec B308 B703: escaped above, placeholders too
