"""Tests run over every model of every domain: each has a factory that saves
a valid row, and each admin page (changelist, search, add, change) renders."""

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
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


#: Who opens the pages: a superuser, and a staff user holding only the seeded
#: READ_ONLY_AUDITOR role (views everything, adds, changes and deletes nothing).
ROLES = ("superuser", "read_only_auditor")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", ADMIN_MODELS, ids=_id)
def test_admin_pages_render(model, role, client, request):
    user = request.getfixturevalue(role)
    read_only = not user.is_superuser
    client.force_login(user)
    opts = model._meta
    obj = factory_for(model)()
    model_admin = admin.site._registry[model]

    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = client.get(changelist)
    assert response.status_code == 200
    if model_admin.search_fields:
        assert client.get(changelist, {"q": "a"}).status_code == 200

    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    if read_only:
        assert client.get(add).status_code == 403
    elif model_admin.has_add_permission(response.wsgi_request):
        assert client.get(add).status_code == 200

    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    response = client.get(change)
    assert response.status_code == 200
    page = response.content.decode()
    assert str(obj.pk) in page
    if read_only:
        assert_view_only(response)


def assert_view_only(response):
    """Nothing on the page can be saved: no submit buttons, every field of the
    form and of every inline is displayed read-only, no delete link."""
    page = response.content.decode()
    for button in ("_save", "_continue", "_addanother", "_saveasnew"):
        assert f'name="{button}"' not in page, button
    assert 'class="deletelink"' not in page
    adminform = response.context["adminform"]
    shown = set(flatten_fieldsets(adminform.fieldsets))
    assert shown <= set(adminform.readonly_fields), shown - set(adminform.readonly_fields)
    for inline in response.context["inline_admin_formsets"]:
        assert not inline.has_add_permission, inline.opts
        assert not inline.has_change_permission, inline.opts
        assert not inline.has_delete_permission, inline.opts
