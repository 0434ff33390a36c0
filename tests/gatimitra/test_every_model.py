"""Tests run over every model of every domain: each has a factory that saves
a valid row, and each admin page (changelist, search, add, change) renders."""

import pytest
from django.contrib import admin
from django.urls import reverse

from gatimitra.testing import domain_models, factory_for

MODELS = domain_models()
ADMIN_MODELS = [model for model in MODELS if model in admin.site._registry]


def _id(model):
    return model._meta.label


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=_id)
def test_factory_saves_a_valid_row(model):
    factory = factory_for(model)
    assert factory is not None, (
        f"{model._meta.label} has no factory in {model._meta.app_label}.factories"
    )
    obj = factory()
    assert obj.pk is not None
    assert model._default_manager.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("model", MODELS, ids=_id)
def test_model_is_registered_in_admin(model):
    assert model in admin.site._registry, f"{model._meta.label} is not in the admin"


@pytest.mark.django_db
@pytest.mark.parametrize("model", ADMIN_MODELS, ids=_id)
def test_admin_pages_render(model, client, superuser):
    client.force_login(superuser)
    opts = model._meta
    obj = factory_for(model)()
    model_admin = admin.site._registry[model]

    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    if model_admin.search_fields:
        assert client.get(changelist, {"q": "a"}).status_code == 200

    request = client.get(changelist).wsgi_request
    if model_admin.has_add_permission(request):
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        assert client.get(add).status_code == 200

    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    response = client.get(change)
    assert response.status_code == 200
    assert str(obj.pk) in response.content.decode()
