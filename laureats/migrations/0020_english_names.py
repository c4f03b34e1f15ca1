import json
from pathlib import Path

from django.db import migrations, models

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
# (fixture, model, the French field that must still match, the English fields to copy)
ENGLISH = [
    ("regions.json", "Region", "name", ["name_en"]),
    ("sectors.json", "Sector", "name", ["name_en"]),
    ("programme_figures.json", "ProgrammeFigure", "label", ["label_en"]),
]


def copy_english_names(apps, schema_editor):
    """The shipped rows of a database loaded before this migration get the English names of
    fixtures/, which load_real_data only loads into an empty database. A row whose French
    name an administrator changed since is left alone: its translation may no longer fit."""
    for fixture, model_name, french, english in ENGLISH:
        model = apps.get_model("laureats", model_name)
        for row in json.loads((FIXTURES / fixture).read_text()):
            if row["model"] != f"laureats.{model_name.lower()}":
                continue
            fields = row["fields"]
            model.objects.filter(pk=row["pk"], **{french: fields[french]}).update(
                **{name: fields[name] for name in english}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("laureats", "0019_organisation_proposals"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalprogrammefigure",
            name="label_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="libellé en anglais"),
        ),
        migrations.AddField(
            model_name="historicalregion",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Le nom en usage en anglais (« Brittany »), montré sur les pages anglaises.",
                max_length=100,
                verbose_name="nom en anglais",
            ),
        ),
        migrations.AddField(
            model_name="historicalsector",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Sa traduction, montrée sur les pages anglaises ; vide : le nom français.",
                max_length=120,
                verbose_name="nom en anglais",
            ),
        ),
        migrations.AddField(
            model_name="programmefigure",
            name="label_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="libellé en anglais"),
        ),
        migrations.AddField(
            model_name="region",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Le nom en usage en anglais (« Brittany »), montré sur les pages anglaises.",
                max_length=100,
                verbose_name="nom en anglais",
            ),
        ),
        migrations.AddField(
            model_name="sector",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Sa traduction, montrée sur les pages anglaises ; vide : le nom français.",
                max_length=120,
                verbose_name="nom en anglais",
            ),
        ),
        # Going back drops the columns: nothing to undo.
        migrations.RunPython(copy_english_names, migrations.RunPython.noop),
    ]
