import concurrency.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('laureats', '0014_organisation_in_published_laureate'),
    ]

    operations = [
        migrations.AddField(
            model_name='laureate',
            name='version',
            field=concurrency.fields.AutoIncVersionField(default=0, help_text="Augmente à chaque modification : un formulaire ouvert sur une version plus ancienne ne peut pas l'écraser.", verbose_name='version'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='version',
            field=concurrency.fields.AutoIncVersionField(default=0, help_text="Augmente à chaque modification : un formulaire ouvert sur une version plus ancienne ne peut pas l'écraser.", verbose_name='version'),
        ),
    ]
