from django.db import migrations, models

HELP_TEXT = (
    "« accordée » : montant attribué, compté dans les totaux ; « demandée » : montant demandé "
    "par le porteur, affiché à part et jamais additionné aux aides accordées."
)


def state_aid_kind_field():
    return models.CharField(
        choices=[("accordee", "accordée"), ("demandee", "demandée")],
        default="accordee",
        help_text=HELP_TEXT,
        max_length=10,
        verbose_name="nature de l'aide de l'État",
    )


# The one real amount that is requested, not granted (fixtures/laureates.json, its data_note and
# the journal-du-palais source): databases loaded before this field existed hold it as granted.
REQUESTED = {"slug": "e-deffinum", "state_aid": 5398685}


def mark_requested_amount(apps, schema_editor):
    Laureate = apps.get_model("laureats", "Laureate")
    Laureate.objects.filter(**REQUESTED).update(state_aid_kind="demandee")


def unmark_requested_amount(apps, schema_editor):
    Laureate = apps.get_model("laureats", "Laureate")
    Laureate.objects.filter(**REQUESTED).update(state_aid_kind="accordee")


class Migration(migrations.Migration):
    """Each State aid amount says whether it was granted or only requested."""

    dependencies = [("laureats", "0007_names_in_french_order")]

    operations = [
        migrations.AddField(
            model_name="historicallaureate", name="state_aid_kind", field=state_aid_kind_field()
        ),
        migrations.AddField(
            model_name="laureate", name="state_aid_kind", field=state_aid_kind_field()
        ),
        migrations.RunPython(mark_requested_amount, unmark_requested_amount),
    ]
