from django.db import models


class DataVersion(models.Model):
    """The version of the public data: one row, rewritten by every transaction that changes it.

    Kept in the database rather than in the cache so that it commits or rolls back with the
    write itself: a rolled-back transaction leaves it as it was, and it cannot fail to change
    while the data does (see versions.py).
    """

    token = models.CharField("jeton", max_length=32)
    changed_at = models.DateTimeField("modifiée le")

    class Meta:
        verbose_name = "version des données publiques"
        verbose_name_plural = "versions des données publiques"
        ordering = ["pk"]

    def __str__(self):
        return self.token
