"""Helpers shared by the admin tests of both apps."""

import importlib

import pytest
from django.contrib import admin
from django.urls import reverse
from factory.django import DjangoModelFactory


def registered_models(app_label):
    """The models of `app_label` registered on the default admin site, in a stable order."""
    return sorted(
        (model for model in admin.site._registry if model._meta.app_label == app_label),
        key=lambda model: model._meta.label,
    )


def factory_for(model):
    """The factory_boy factory for `model`, from its app's tests/factories.py."""
    module = f"{model._meta.app_label}.tests.factories"
    for candidate in vars(importlib.import_module(module)).values():
        if (
            isinstance(candidate, type)
            and issubclass(candidate, DjangoModelFactory)
            and candidate._meta.model is model
        ):
            return candidate
    pytest.fail(f"No factory for {model._meta.label}: add one to {module.replace('.', '/')}.py")


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def management_form(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
