"""Admin pages for agreements. Parties, authorities, agreements and events come from profiles
(`migrex agreements load`), so they are read-only here; signatory lists are entered here."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from migrex.agreements import models as m
from migrex.core.admin_russian import RussianNames


def _named(obj, name: str) -> str:
    """The name an officer reads, the code the nodes and the commands use in its tooltip."""
    return format_html('<span title="{}">{}</span>', obj.code, name)


class ReadOnlyAdmin(RussianNames, admin.ModelAdmin):
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
    fields = readonly_fields = ("name_ru", "valid_from", "valid_until")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(m.Party)
class PartyAdmin(ReadOnlyAdmin):
    accusative = pgettext_lazy("accusative", "party")
    counted = ngettext_lazy("%(count)d party", "%(count)d parties", "count")
    list_display = ("name",)
    fields = ("name_ru",)

    @admin.display(description=_("name"), ordering="name_ru")
    def name(self, obj) -> str:
        return _named(obj, obj.name_ru)


@admin.register(m.Authority)
class AuthorityAdmin(ReadOnlyAdmin):
    counted = ngettext_lazy(
        "%(count)d competent authority", "%(count)d competent authorities", "count"
    )
    list_display = ("name", "party")
    list_filter = ("party",)
    fields = ("name_ru", "party")

    @admin.display(description=_("name"), ordering="name_ru")
    def name(self, obj) -> str:
        return _named(obj, obj.name_ru)

    inlines = [AuthorityNameInline]


@admin.register(m.Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    counted = ngettext_lazy("%(count)d agreement", "%(count)d agreements", "count")
    list_display = ("title", "revision")
    # Its events and versions read on the agreement's own page; the codes stay out of here.
    fields = readonly_fields = ("title_ru", "revision")

    @admin.display(description=_("title"), ordering="title_ru")
    def title(self, obj) -> str:
        return _named(obj, obj.title_ru)

    @admin.display(description=_("current version"))
    def revision(self, obj) -> str:
        return str(obj.current_version.number) if obj.current_version else "—"


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
class SignatoryListAdmin(RussianNames, admin.ModelAdmin):
    counted = ngettext_lazy("%(count)d signatory list", "%(count)d signatory lists", "count")
    list_display = ("agreement", "party", "exchanged_on", "effective_from")
    list_filter = ("agreement", "party")
    inlines = [SignatoryInline]


@admin.register(m.SigningKey)
class SigningKeyAdmin(RussianNames, admin.ModelAdmin):
    """Enrolled with `migrex signatories key generate|import`; deleting one revokes it here (the
    list must then be sent again, Art. 9.4). The sealed private key is never shown."""

    counted = ngettext_lazy("%(count)d signing key", "%(count)d signing keys", "count")

    list_display = ("user", "kid", "source", "created_at")
    fields = readonly_fields = ("user", "kid", "source", "created_at")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
