"""Admin pages for agreements. Parties, authorities, agreements and events come from profiles
(`migrex agreements load`), so they are read-only here; signatory lists are entered here."""

from django.contrib import admin

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


@admin.register(m.SignatoryList)
class SignatoryListAdmin(admin.ModelAdmin):
    list_display = ("agreement", "party", "exchanged_on", "effective_from")
    list_filter = ("agreement", "party")
    inlines = [SignatoryInline]
