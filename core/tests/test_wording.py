"""The pages' fixed wording: the registry, the checks on an editor's change, the
{% wording %} tag, loading the changes once per content version, and the admin."""

import logging

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils.html import escape

from core import wording
from core.models import Wording
from core.templatetags.wording import CONTEXT_NAME
from core.tests.factories import WordingFactory
from pagecache import version
from tests.helpers import admin_url

pytestmark = pytest.mark.django_db


def render(source, changes=None, **values):
    context = {**values}
    if changes is not None:
        context[CONTEXT_NAME] = changes
    return Template("{% load wording %}" + source).render(Context(context))


def filled(entry):
    return {name: f"<{name}>" for name in entry.placeholders}


@pytest.mark.parametrize("key", sorted(wording.REGISTRY))
def test_every_registered_wording_shows_its_default(key):
    entry = wording.REGISTRY[key]
    values = filled(entry)
    arguments = "".join(f" {name}={name}" for name in values)

    html = render(f'{{% wording "{key}"{arguments} %}}', **values)

    expected = entry.default.translate(wording.ESCAPES).format(
        **{name: f"&lt;{name}&gt;" for name in values}
    )
    assert html == expected
    assert html.strip()


def test_a_change_replaces_the_default_escaped_with_its_placeholders_filled_in():
    changes = {"privacy.questions.text": 'Kept "{days}" days & <3 then gone.'}

    html = render('{% wording "privacy.questions.text" days=days %}', changes, days="<b>90</b>")

    assert html == "Kept &quot;&lt;b&gt;90&lt;/b&gt;&quot; days &amp; &lt;3 then gone."


def test_without_the_changes_in_the_context_the_default_shows():
    assert render('{% wording "landing.join_us" %}') == "Join Us:"


def test_an_unknown_key_fails_in_the_tests(monkeypatch):
    with pytest.raises(wording.UnknownWording):
        render('{% wording "landing.no_such_thing" %}')


def test_an_unknown_key_shows_nothing_and_is_logged_in_production(monkeypatch, settings, caplog):
    monkeypatch.setattr(wording, "STRICT", False)
    settings.DEBUG = False

    with caplog.at_level(logging.ERROR, logger="core.wording"):
        html = render('<h2>{% wording "landing.no_such_thing" %}</h2>')

    assert html == "<h2></h2>"
    assert "landing.no_such_thing" in caplog.text


@pytest.mark.parametrize(
    ("key", "text", "reason"),
    [
        ("landing.join_us", "x" * 81, "Keep it to 80 characters at most (this is 81)."),
        ("landing.join_us", "<b>Join</b> us:", "Write plain text"),
        ("landing.join_us", "Join &amp; go:", "Write plain text"),
        ("privacy.questions.text", "We delete them soon.", "Keep the placeholder {days}"),
        ("privacy.questions.text", "{days} or {weeks}", "{weeks} is not a placeholder of this"),
        ("landing.join_us", "Join {us}:", "{us} is not a placeholder: this text has none."),
        ("landing.join_us", "Join us :-}", "Use curly brackets only around a placeholder"),
        ("landing.join_us", "   ", "Write the text"),
        ("landing.join_us", "Join Us:", "This is the default text."),
        ("landing.no_such_thing", "Hello", "Choose which wording to change."),
    ],
)
def test_a_change_that_would_break_the_page_is_refused_with_the_reason(key, text, reason):
    with pytest.raises(ValidationError) as refused:
        Wording(key=key, text=text).full_clean()

    assert any(reason in message for message in refused.value.messages), refused.value.messages


def test_a_change_is_kept_on_one_line():
    change = Wording(key="landing.join_us", text="  Come\n with   us: ")
    change.full_clean()
    assert change.text == "Come with us:"


def test_the_changes_are_loaded_once_per_content_version(django_assert_num_queries):
    WordingFactory(key="landing.join_us", text="Come with us:")
    now = version.read()

    with django_assert_num_queries(1):
        assert Wording.texts(now) == {"landing.join_us": "Come with us:"}
    with django_assert_num_queries(0):
        Wording.texts(now)

    # An edit moves the version on (wording is content): the next page loads again.
    WordingFactory(key="site.footer.privacy", text="Your privacy")
    later = version.read()
    assert later != now
    with django_assert_num_queries(1):
        assert Wording.texts(later)["site.footer.privacy"] == "Your privacy"


def test_a_change_that_no_longer_fits_the_code_is_left_out():
    # Saved before the default lost (or gained) a placeholder, or for a key since removed.
    Wording.objects.create(key="privacy.questions.text", text="We delete them soon.")
    Wording.objects.create(key="landing.gone", text="Old words")

    assert Wording.texts(version.read()) == {}


# The admin


def test_the_admin_lists_every_wording_with_its_default_and_the_changes(staff_client):
    WordingFactory(key="landing.join_us", text="Come with us:")

    html = staff_client.get(admin_url(Wording, "changelist")).content.decode()

    for entry in wording.REGISTRY.values():
        assert entry.key in html
        assert escape(entry.default) in html
    assert "<strong>Changed:</strong> Come with us:" in html
    assert html.count("The default.") == len(wording.REGISTRY) - 1
    change = Wording.objects.get()
    assert admin_url(Wording, "delete", change.pk) in html
    assert admin_url(Wording, "add") + "?key=site.footer.privacy" in html


def test_the_admin_list_can_be_searched(staff_client):
    html = staff_client.get(admin_url(Wording, "changelist"), {"q": "join us"}).content.decode()

    assert "landing.join_us" in html
    assert "site.footer.privacy" not in html


def test_an_editor_changes_wording_and_resets_it_to_the_default(staff_client, client):
    add = admin_url(Wording, "add") + "?key=landing.join_us"
    form = staff_client.get(add)
    assert form.context["adminform"].form.initial["text"] == "Join Us:"
    assert "The default: “Join Us:”" in form.content.decode()

    response = staff_client.post(add, {"key": "landing.join_us", "text": "Come with us:"})

    assert response.status_code == 302
    change = Wording.objects.get(key="landing.join_us")
    assert change.text == "Come with us:"

    reset = staff_client.get(admin_url(Wording, "delete", change.pk)).content.decode()
    assert "Reset “Before “CoSN is leading" in reset
    assert "Yes, reset it" in reset
    response = staff_client.post(
        admin_url(Wording, "delete", change.pk), {"post": "yes"}, follow=True
    )

    assert not Wording.objects.exists()
    assert "is back to its default text." in response.content.decode()


def test_the_admin_refuses_bad_wording_with_the_reason_and_keeps_what_was_typed(staff_client):
    add = admin_url(Wording, "add") + "?key=privacy.questions.text"

    response = staff_client.post(
        add, {"key": "privacy.questions.text", "text": "We delete them after the trip."}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Keep the placeholder {days}: the page puts its value there." in html
    assert "We delete them after the trip." in html
    assert not Wording.objects.exists()


def test_the_change_page_names_the_wording_and_offers_a_reset(staff_client):
    change = WordingFactory(key="landing.join_us", text="Come with us:")

    html = staff_client.get(admin_url(Wording, "change", change.pk)).content.decode()

    assert "landing.join_us" in html or "Before “CoSN is leading" in html
    assert "Reset to the default" in html
    assert "The default: “Join Us:”" in html
