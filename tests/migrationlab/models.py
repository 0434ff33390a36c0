from django.db import models


class Counter(models.Model):
    """A table for the lab's schema change."""

    name = models.CharField(max_length=20)
    note = models.CharField(max_length=20, null=True)

    class Meta:
        db_table = "lab_counter"

    def __str__(self):
        return self.name


class DataRun(models.Model):
    """One row per execution of the lab's data migration."""

    ran_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "lab_data_runs"

    def __str__(self):
        return str(self.ran_at)
