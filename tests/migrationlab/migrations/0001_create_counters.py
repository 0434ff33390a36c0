from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Counter",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=20)),
            ],
            options={"db_table": "lab_counter"},
        ),
        migrations.CreateModel(
            name="DataRun",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("ran_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"db_table": "lab_data_runs"},
        ),
    ]
