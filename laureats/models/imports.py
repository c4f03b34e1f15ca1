"""Files previewed in the admin import, waiting for their confirmation.

Kept in the database, where the import's own data lives, rather than in the cache: a Redis
that is down or evicting must neither fail the import (a 500) nor lose a previewed plan, and
any instance of the portal can confirm a file previewed on another.
"""

import pickle
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How long a previewed file waits for its confirmation.
PENDING_LIFETIME = timedelta(hours=1)


class PendingImportQuerySet(models.QuerySet):
    def live(self):
        return self.filter(expires_at__gt=timezone.now())

    def expired(self):
        return self.filter(expires_at__lte=timezone.now())


class PendingImport(models.Model):
    """A previewed file and the plan its preview showed, for one administrator."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("par")
    )
    # Random, never derived from the file: each preview is its own plan, and the confirmation
    # names the one that was shown.
    token = models.CharField(_("jeton"), max_length=64, unique=True)
    file_name = models.CharField(_("fichier"), max_length=255)
    data = models.BinaryField(_("contenu du fichier"))
    # The Plan (laureats/importer/planning.py) as the preview showed it, pickled: written and
    # read by this server only, like Django's own cache values.
    plan = models.BinaryField(_("plan"))
    # importer.database_state() when the plan was made: unchanged, the plan still holds.
    state = models.TextField(_("état de la base"))
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("importation en attente")
        verbose_name_plural = _("importations en attente")
        indexes = [
            # The clean-up of expired previews at every new one.
            models.Index(fields=["expires_at"], name="pendingimport_expires_idx"),
        ]

    def __str__(self):
        return self.file_name

    @classmethod
    def keep(cls, user, file_name, data, plan, state):
        """A new pending import of `user`, which replaces their previous one; expired ones of
        anybody are deleted on the way."""
        cls.objects.expired().delete()
        cls.objects.filter(user=user).delete()
        return cls.objects.create(
            user=user,
            token=secrets.token_urlsafe(32),
            file_name=file_name,
            data=data,
            plan=pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL),
            state=state,
            expires_at=timezone.now() + PENDING_LIFETIME,
        )

    def load_plan(self):
        """The plan shown by the preview; None if this server can no longer read it (an
        upgrade changed its classes): the file is then previewed again."""
        try:
            return pickle.loads(bytes(self.plan))  # written by this server only
        except Exception:  # any unpickling error means the same thing
            return None
