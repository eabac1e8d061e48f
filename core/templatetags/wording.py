"""{% wording "key" %}: a piece of the pages' fixed wording, as an editor last changed it
(core/wording.py). The changes come from the context (cosn_global/wording.py puts them
there); without them, as in a page rendered without a request, the defaults show."""

from django import template

from core import wording as registry

register = template.Library()

CONTEXT_NAME = "wording_changes"


@register.simple_tag(takes_context=True)
def wording(context, key, **values):
    """The wording `key`, with its placeholders filled in: {% wording "k" days=days %}."""
    return registry.text(key, context.get(CONTEXT_NAME), values)


@register.simple_tag(takes_context=True)
def field_wording(context, field, part):
    """A visitors' form field's "label" or "help", as changed by an editor if the form's
    wording is registered (register_form), else as the form gives it."""
    prefix = getattr(field.form, "id_prefix", None)
    key = f"form.{prefix}.{field.name}.{part}"
    if key in registry.REGISTRY:
        return registry.text(key, context.get(CONTEXT_NAME))
    return field.label if part == "label" else field.help_text
