from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("migrationlab", "0002_record_data_run")]

    operations = [
        migrations.AddField("Counter", "note", models.CharField(max_length=20, null=True)),
    ]
