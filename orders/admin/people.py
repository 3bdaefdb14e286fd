"""Staff in admin as the desk names them (`staff_name`: full name, else username), in list columns and in the
choices of a person, instead of the username Django's admin shows."""

from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import Truncator

from orders.admin.mixin import ModelAdminMixin
from orders.roles import staff_name


def _is_person(model, name) -> bool:
    if not isinstance(name, str):
        return False
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a method or an admin column
        return False
    return names_a_person(field)


def names_a_person(field) -> bool:
    """A model's own link to one member of staff (a foreign key or a one-to-one)."""
    forward = field.is_relation and not field.auto_created and (field.many_to_one or field.one_to_one)
    return forward and field.related_model is get_user_model()


_COLUMNS: dict[tuple, object] = {}


def person_column(model, name: str):
    """A list column showing the person a foreign key names, sorted by their name (one per model and field, so
    the change list sees the same column on every request)."""
    key = (model, name)
    if key not in _COLUMNS:
        field = model._meta.get_field(name)

        @admin.display(description=field.verbose_name, ordering=f"{name}__first_name")
        def column(obj):
            return staff_name(getattr(obj, name), "")

        column.__name__ = name
        _COLUMNS[key] = column
    return _COLUMNS[key]


class PersonRawIdWidget(ForeignKeyRawIdWidget):
    """The raw id box with the person's name beside it."""

    def label_and_url_for_value(self, value):
        label, url = super().label_and_url_for_value(value)
        if label:
            person = self.rel.model._default_manager.using(self.db).filter(pk=value).first()
            label = Truncator(staff_name(person)).words(14) if person else label
        return label, url


class PeopleByName(ModelAdminMixin):
    """Put before admin.ModelAdmin (or an inline): every link to a member of staff is shown by name, in the list,
    in a form's choices and where the form only shows it."""

    def _by_name(self, names):
        return [person_column(self.model, name) if _is_person(self.model, name) else name for name in names]

    def get_list_display(self, request):
        return self._by_name(super().get_list_display(request))

    def get_readonly_fields(self, request, obj=None):
        # The field's name stays (so the form never edits it) and its column joins it (so the page can show it).
        names = list(super().get_readonly_fields(request, obj))
        return names + [column for column in self._by_name(names) if column not in names]

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if not callable(name)]
        if self._view_only(request, obj):  # Django shows every field as it is, a person by username
            return self._by_name(fields)
        shown_only = set(super().get_readonly_fields(request, obj))
        return [self._by_name([name])[0] if name in shown_only else name for name in fields]

    def _view_only(self, request, obj) -> bool:
        if isinstance(self, admin.options.InlineModelAdmin):
            return not self.has_change_permission(request, obj) and not self.has_add_permission(request, obj)
        return obj is not None and not self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is get_user_model() and db_field.name in self.raw_id_fields:
            kwargs["widget"] = PersonRawIdWidget(db_field.remote_field, self.admin_site)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.related_model is get_user_model():
            # Django calls it with the person alone; django-stubs declares it a method, not a settable attribute.
            field.label_from_instance = staff_name  # type: ignore[method-assign, assignment]
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model is get_user_model():
            field.label_from_instance = staff_name  # type: ignore[method-assign, assignment]  # as above
        return field
