"""The base of the admin mixins (put before admin.ModelAdmin): to the type checker a ModelAdmin, whose methods they
extend through super(); at run time a plain object, so the class's own ModelAdmin comes after them."""

from typing import TYPE_CHECKING, Any

from django.contrib import admin

if TYPE_CHECKING:
    ModelAdminMixin = admin.ModelAdmin[Any]
else:
    ModelAdminMixin = object
