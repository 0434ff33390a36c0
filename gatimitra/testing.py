"""Helpers shared by the test suite (and usable from a shell)."""

import importlib

from django.apps import apps
from factory.django import DjangoModelFactory

from gatimitra.apps import DomainConfig


def domain_models():
    """Every concrete model of the domain apps, in a stable order."""
    return sorted(
        (
            model
            for config in apps.get_app_configs()
            if isinstance(config, DomainConfig)
            for model in config.get_models()
            if not model._meta.abstract and not model._meta.proxy
        ),
        key=lambda model: model._meta.label,
    )


def factory_for(model):
    """The factory-boy factory of ``model``: ``<app>.factories.<Model>Factory``,
    or any factory in that module whose Meta.model is the model."""
    try:
        module = importlib.import_module(f"{model._meta.app_label}.factories")
    except ModuleNotFoundError:
        return None
    preferred = getattr(module, f"{model.__name__}Factory", None)
    if preferred is not None and preferred._meta.model is model:
        return preferred
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, DjangoModelFactory)
            and value._meta.model is model
        ):
            return value
    return None


def admin_form_data(response):
    """POST data that resubmits an admin change page as rendered: the main
    form's initial values and every inline formset with its management form."""
    data = {}

    def add_form(form):
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if callable(value):
                value = value()
            key = form.add_prefix(name)
            widget_value = field.widget.format_value(value) if value is not None else None
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(getattr(v, "pk", v)) for v in value]
            elif widget_value not in (None, ""):
                data[key] = getattr(value, "pk", widget_value)

    add_form(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for form in formset.initial_forms:
            add_form(form)
    return data
