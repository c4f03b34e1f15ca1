from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('laureats', '0015_laureate_organisation_version'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalproposal',
            name='value_when_proposed',
            field=models.TextField(blank=True, editable=False, verbose_name='valeur lors de la proposition'),
        ),
        migrations.AddField(
            model_name='proposal',
            name='value_when_proposed',
            field=models.TextField(blank=True, editable=False, verbose_name='valeur lors de la proposition'),
        ),
    ]
