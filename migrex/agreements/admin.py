"""Admin pages for agreements. Parties, authorities, agreements and events come from profiles
(`migrex agreements load`), so they are read-only here; signatory lists are entered here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from migrex.agreements import models as m


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuthorityNameInline(admin.TabularInline):
    model = m.AuthorityName
    extra = 0
    can_delete = False
    fields = readonly_fields = ("name_ru", "name_en", "valid_from", "valid_until")

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = m.AgreementEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("date", "kind", "party", "description", "article")

    def has_add_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = m.AgreementVersion
    extra = 0
    can_delete = False
    fields = readonly_fields = ("number", "profile_version", "digest", "source", "loaded_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(m.Party)
class PartyAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_ru", "name_en", "timezone")


@admin.register(m.Authority)
class AuthorityAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_ru", "party", "kind")
    list_filter = ("party", "kind")
    inlines = [AuthorityNameInline]


@admin.register(m.Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ("code", "title_ru", "current_version")
    inlines = [EventInline, VersionInline]


class SignatoryInline(admin.TabularInline):
    model = m.Signatory
    extra = 1
    autocomplete_fields = ("user",)
    readonly_fields = ("signing_key",)

    @admin.display(description=_("signing key (RFC 7638 fingerprint)"))
    def signing_key(self, obj) -> str:
        key = obj.jwk if obj.pk else None
        return key["kid"] if key else "—"


@admin.register(m.SignatoryList)
class SignatoryListAdmin(admin.ModelAdmin):
    list_display = ("agreement", "party", "exchanged_on", "effective_from")
    list_filter = ("agreement", "party")
    inlines = [SignatoryInline]


@admin.register(m.SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    """Enrolled with `migrex signatories key generate|import`; deleting one revokes it here (the
    list must then be sent again, Art. 9.4). The sealed private key is never shown."""

    list_display = ("user", "kid", "source", "created_at")
    fields = readonly_fields = ("user", "kid", "source", "public_jwk", "created_at")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
