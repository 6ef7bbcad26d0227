from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from migrex.accounts.models import LoginFailure, RoleGroup, TotpDevice, User, role_label
from migrex.accounts.roles import Role
from migrex.core.admin_russian import RussianNames


class RoleFilter(admin.SimpleListFilter):
    """The officers of one role, the role named in Russian (the group's name is its code)."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(role.value, role_label(role)) for role in Role]

    def queryset(self, request, queryset):
        return queryset.filter(groups__name=self.value()) if self.value() else queryset


@admin.register(User)
class MigrexUserAdmin(RussianNames, UserAdmin):
    accusative = pgettext_lazy("accusative", "user")
    counted = ngettext_lazy("%(count)d user", "%(count)d users", "count")
    delete_selected_label = _("Delete the selected users")
    add_form_template = "admin/migrex/user_add_form.html"
    list_display = ("username", "last_name", "first_name", "authority", "role_names", "is_active")
    list_filter = ("authority", RoleFilter, "is_active")
    search_fields = ("username", "last_name", "first_name")
    # The roles decide what an officer may do (accounts/roles.py); Django's per-user
    # permissions are not used, so the form does not offer them.
    filter_horizontal = ()
    fieldsets = (
        *(
            (name, {**options, "fields": ("is_active", "is_staff", "is_superuser", "groups")})
            if "groups" in options["fields"]
            else (name, options)
            for name, options in UserAdmin.fieldsets
        ),
        (_("Service"), {"fields": ("authority", "position", "patronymic")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def role_names(self, obj) -> str:
        return ", ".join(sorted(role_label(g.name) for g in obj.groups.all())) or "—"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["widget"] = forms.CheckboxSelectMultiple
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            field.label = _("roles")
            field.help_text = _("What the officer may do; an officer may hold several roles.")
            field.label_from_instance = lambda group: role_label(group.name)
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(Group)


@admin.register(RoleGroup)
class RoleAdmin(RussianNames, admin.ModelAdmin):
    """The fixed roles (accounts/roles.py), in Russian, with the officers holding each: roles
    are given on the officer's form; they are neither added, renamed nor deleted here."""

    counted = ngettext_lazy("%(count)d role", "%(count)d roles", "count")
    list_display = ("role", "officers")
    fields = readonly_fields = ("role", "officers")

    @admin.display(description=_("role"))
    def role(self, obj) -> str:
        return str(obj)

    @admin.display(description=_("officers"))
    def officers(self, obj) -> str:
        return ", ".join(str(user) for user in obj.user_set.order_by("last_name", "username"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TotpDevice)
class TotpDeviceAdmin(RussianNames, admin.ModelAdmin):
    """Deleting an officer's authenticator makes them enrol again at their next sign-in (a lost
    phone); the key itself is never shown here."""

    counted = ngettext_lazy("%(count)d authenticator", "%(count)d authenticators", "count")
    list_display = ("user", "confirmed", "created_at")
    list_filter = ("confirmed",)
    search_fields = ("user__username",)
    fields = ("user", "confirmed", "created_at")
    readonly_fields = ("user", "confirmed", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(LoginFailure)
class LoginFailureAdmin(RussianNames, admin.ModelAdmin):
    """Failed attempts behind a lockout; deleting those of a username lifts its lockout."""

    counted = ngettext_lazy("%(count)d failed login", "%(count)d failed logins", "count")
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
