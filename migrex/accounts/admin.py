from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from migrex.accounts.models import LoginFailure, TotpDevice, User


@admin.register(User)
class MigrexUserAdmin(UserAdmin):
    list_display = ("username", "last_name", "first_name", "authority", "is_active")
    list_filter = ("authority", "groups", "is_active")
    search_fields = ("username", "last_name", "first_name")
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Service"), {"fields": ("authority", "position", "patronymic")}),
    )


@admin.register(TotpDevice)
class TotpDeviceAdmin(admin.ModelAdmin):
    """Deleting an officer's authenticator makes them enrol again at their next sign-in (a lost
    phone); the key itself is never shown here."""

    list_display = ("user", "confirmed", "created_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username",)
    fields = ("user", "confirmed", "created_at")
    readonly_fields = ("user", "confirmed", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Failed attempts behind a lockout; deleting those of a username lifts its lockout."""

    list_display = ("at", "username", "address", "stage")
    list_filter = ("stage",)
    search_fields = ("username", "address")
    readonly_fields = ("at", "username", "address", "stage")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _login_first(request, extra_context=None):
    """The admin's own login page would skip the lockout and the second factor: administrators
    sign in through the node's login like everyone, then come back."""
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


admin.site.login = _login_first
