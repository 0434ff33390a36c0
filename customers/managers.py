from django.db import models


class CodeManager(models.Manager):
    """For reference tables whose natural key is a unique ``code`` (tiers,
    plans, segments, coupons): fixtures may name rows by code."""

    def get_by_natural_key(self, code):
        return self.get(code=code)
