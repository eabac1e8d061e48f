"""Every admin page of every content model renders: changelist (with a search), add and
change pages, with an object made by the model's factory."""

import pytest
from django.apps import apps
from django.contrib import admin

from core.models import Wording
from tests.helpers import admin_url, factory_for, registered_models

CONTENT_APPS = ("core", "delegations", "symposium")
MODELS = [model for app in CONTENT_APPS for model in registered_models(app)]


def label(model):
    return model._meta.label_lower


@pytest.mark.parametrize("app", CONTENT_APPS)
def test_every_model_of_the_content_apps_is_in_the_admin(app):
    models = {
        model
        for model in apps.get_app_config(app).get_models()
        # Parts edited on their record's page have no admin of their own.
        if model._meta.label not in INLINE_ONLY
    }
    assert models <= set(registered_models(app))


# Lists of their own, not Django's changelist: the wording lists every piece, changed or not.
OWN_CHANGELIST = {Wording}
INLINE_ONLY = {
    "delegations.Destination",
    "delegations.DelegationPartner",
    "symposium.SymposiumPartner",
    "symposium.Resource",
    "symposium.Session",
    "delegations.Visit",
    "delegations.Testimonial",
    # A record's draft and share links are shown and managed on the record's own page.
    "core.Draft",
    "core.ShareLink",
}


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_changelist_renders_and_lists_the_object(staff_client, model):
    obj = factory_for(model)()

    response = staff_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    if model in OWN_CHANGELIST:
        assert str(obj.text) in response.content.decode()
    else:
        assert obj.pk in {row.pk for row in response.context["cl"].result_list}


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_changelist_search_renders(staff_client, model):
    factory_for(model)()

    response = staff_client.get(admin_url(model, "changelist"), {"q": "school"})

    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_add_page_renders(staff_client, model):
    factory_for(model)()

    response = staff_client.get(admin_url(model, "add"))

    # Some records are only ever made by the site (visitors' inquiries): no add page.
    can_add = admin.site._registry[model].has_add_permission(response.wsgi_request)
    assert response.status_code == (200 if can_add else 403)


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_change_page_renders(staff_client, model):
    obj = factory_for(model)()

    response = staff_client.get(admin_url(model, "change", obj.pk))

    assert response.status_code == 200
    assert response.context["original"] == obj
