"""What every admin of the portal shares: change history (django-simple-history), and the
identifiers that come from the URL checked before they reach a query.

simple_history hands the object and version identifiers of its URLs straight to a query, and the
add form turns `?laureate=…` into the initial value of an autocomplete field, which the widget
looks up: "abc" for an integer key raises ValueError, a NUL byte in a text key (a region's code)
is refused by PostgreSQL, both a 500. Here an identifier that cannot exist is a 404 (or the
admin's own "not found" message), and an initial value that cannot is dropped.
"""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


def is_key(field, raw):
    """Whether the text `raw` can be a value of the key `field` on this database."""
    if "\x00" in raw:
        return False
    try:
        # For integer keys, the validators include the column's range on this database.
        field.run_validators(field.to_python(raw))
    except (ValidationError, ValueError, TypeError, OverflowError):
        return False
    return True


def checked_key(field, raw):
    if not is_key(field, raw):
        raise Http404
    return raw


class PortalAdmin(SimpleHistoryAdmin):
    def get_changelist_instance(self, request):
        # A list filtered on a key past SQLite's 64-bit integers (?organisation=99…9) raises
        # OverflowError when the list is counted; PostgreSQL finds no row. Django already answers
        # a key that is not a number ("abc") with its "invalid lookup" redirect: the same here.
        try:
            return super().get_changelist_instance(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error

    def get_object(self, request, object_id, from_field=None):
        # Django catches ValueError here, not PostgreSQL's refusal of a NUL byte in a text key.
        field = self.model._meta.get_field(from_field) if from_field else self.model._meta.pk
        if not is_key(field, object_id):
            return None
        return super().get_object(request, object_id, from_field=from_field)

    def history_view(self, request, object_id, extra_context=None):
        checked_key(self.model._meta.pk, unquote(object_id))
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        checked_key(self.model._meta.pk, unquote(object_id))
        checked_key(self.model.history.model._meta.pk, version_id)
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            values = value if isinstance(value, list) else [value]
            target = field.target_field if field.is_relation else field
            if any(not is_key(target, str(item)) for item in values):
                del initial[name]
        return initial
