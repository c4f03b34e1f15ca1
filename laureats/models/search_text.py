"""A column holding other columns of its own row as searched text: folded by `text.normalize_text`,
the laureate search's one normalisation, so that a search compares folded words with folded
text on SQLite and PostgreSQL alike.

The field fills itself from its row whoever writes it: save() and bulk_create() call its
`pre_save`, and loaddata's raw saves, which skip `pre_save`, get it from the model's pre_save
signal. A save(update_fields=...) that names a source column must name this one too, or it
fails rather than leave the text stale; bulk_update() and update() of a source column without
it would leave it stale, and no writer of organisations does either.
"""

from django.db import models
from django.db.models.signals import pre_save

from ..text.folding import normalize_text


def folded_text(values):
    return normalize_text("\n".join(value for value in values if value))


class SearchTextField(models.TextField):
    def __init__(self, *args, sources=(), **kwargs):
        self.sources = tuple(sources)
        kwargs.update(editable=False, blank=True, default="")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for fixed in ("editable", "blank", "default"):
            kwargs.pop(fixed, None)
        kwargs["sources"] = list(self.sources)
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        if not cls._meta.abstract:
            # Weak, as by default: a model class rendered by a migration takes its receiver
            # with it when it goes.
            pre_save.connect(self.before_save, sender=cls)

    def text_of(self, instance):
        return folded_text(str(getattr(instance, source) or "") for source in self.sources)

    def pre_save(self, model_instance, add):
        value = self.text_of(model_instance)
        setattr(model_instance, self.attname, value)
        return value

    def before_save(self, sender, instance, raw, update_fields=None, **kwargs):
        if raw:
            setattr(instance, self.attname, self.text_of(instance))
        elif (
            update_fields is not None
            and self.name not in update_fields
            and set(self.sources) & set(update_fields)
        ):
            raise ValueError(
                f"save(update_fields={sorted(update_fields)}) changes what {self.name} is "
                f"made of: name {self.name!r} too."
            )
