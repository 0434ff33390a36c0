"""Managers that resolve natural keys (``loaddata`` with natural keys, ``get_by_natural_key``)."""

from django.db import models


class CodeManager(models.Manager):
    """For tables whose natural key is a unique ``code``."""

    def get_by_natural_key(self, code):
        return self.get(code=code)


class ZoneManager(models.Manager):
    def get_by_natural_key(self, city_code, code):
        return self.get(city__code=city_code, code=code)


class OrderManager(models.Manager):
    def get_by_natural_key(self, order_number):
        return self.get(order_number=order_number)
