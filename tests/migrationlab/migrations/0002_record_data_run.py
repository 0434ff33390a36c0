import time

from django.db import migrations


def record_run(apps, schema_editor):
    # Slow enough that concurrent migrate processes overlap with it.
    time.sleep(1)
    apps.get_model("migrationlab", "DataRun").objects.create()


def forget_run(apps, schema_editor):
    apps.get_model("migrationlab", "DataRun").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("migrationlab", "0001_create_counters")]

    operations = [migrations.RunPython(record_run, forget_run)]
