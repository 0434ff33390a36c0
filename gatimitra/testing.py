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
