from django.db import migrations, models

import kiosks.models


def fill_codes(apps, schema_editor):
    Kiosk = apps.get_model("kiosks", "Kiosk")
    for kiosk in Kiosk.objects.all():
        kiosk.checkin_code = kiosks.models.checkin_code_new()
        kiosk.save(update_fields=["checkin_code"])


class Migration(migrations.Migration):
    dependencies = [("kiosks", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="kiosk",
            name="checkin_code",
            field=models.CharField(max_length=20, null=True),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="kiosk",
            name="checkin_code",
            field=models.CharField(
                default=kiosks.models.checkin_code_new, max_length=20, unique=True
            ),
        ),
        migrations.AddField(
            model_name="kiosk",
            name="is_entrance",
            field=models.BooleanField(
                default=False,
                help_text="The entrance page registers shoppers here (a sighting at this kiosk).",
            ),
        ),
    ]
