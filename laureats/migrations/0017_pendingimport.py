import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('laureats', '0016_proposal_value_when_proposed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PendingImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(max_length=64, unique=True, verbose_name='jeton')),
                ('file_name', models.CharField(max_length=255, verbose_name='fichier')),
                ('data', models.BinaryField(verbose_name='contenu du fichier')),
                ('plan', models.BinaryField(verbose_name='plan')),
                ('state', models.TextField(verbose_name='état de la base')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créé le')),
                ('expires_at', models.DateTimeField(verbose_name='expire le')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='par')),
            ],
            options={
                'verbose_name': 'importation en attente',
                'verbose_name_plural': 'importations en attente',
                'ordering': ['-created_at'],
                'indexes': [models.Index(fields=['expires_at'], name='pendingimport_expires_idx')],
            },
        ),
    ]
