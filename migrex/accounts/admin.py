from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from migrex.accounts.models import User


@admin.register(User)
class MigrexUserAdmin(UserAdmin):
    list_display = ("username", "last_name", "first_name", "authority", "is_active")
    list_filter = ("authority", "groups", "is_active")
    search_fields = ("username", "last_name", "first_name")
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Service"), {"fields": ("authority", "position", "patronymic")}),
    )
