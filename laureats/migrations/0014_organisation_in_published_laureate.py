from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q


def fill_flag(apps, schema_editor):
    """As OrganisationQuerySet.refresh_published_flag() sets it: one UPDATE."""
    Organisation = apps.get_model("laureats", "Organisation")
    Membership = apps.get_model("laureats", "Membership")
    published = Membership.objects.filter(
        organisation_id=OuterRef("pk"), laureate__is_published=True
    )
    Organisation.objects.update(in_published_laureate=Exists(published))


class Migration(migrations.Migration):
    """Whether an organisation is a member of a published laureate, kept on its row: the
    statistics, the home page and the organisation list read it instead of a semi-join over
    every membership."""

    dependencies = [("laureats", "0013_laureate_facet_bits")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="in_published_laureate",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(fill_flag, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(
                condition=Q(in_published_laureate=True),
                fields=["kind"],
                name="organisation_public_kind_idx",
            ),
        ),
    ]
