from django.contrib import admin
from django.utils.translation import ngettext_lazy

from migrex.core.admin_russian import RussianNames
from migrex.retention import services
from migrex.retention.models import Act, ReceivedNotice, Rule, Tombstone


@admin.register(Rule)
class RuleAdmin(RussianNames, admin.ModelAdmin):
    counted = ngettext_lazy("%(count)d retention rule", "%(count)d retention rules", "count")
    list_display = ("agreement", "party", "days", "counted_from", "basis", "updated_at")
    fields = ("agreement", "party", "days", "counted_from", "basis")

    def save_model(self, request, obj, form, change):
        # Through the service: the same checks and the audit entry as the command and the page.
        saved = services.set_rule(
            agreement=obj.agreement,
            party=obj.party,
            days=obj.days,
            counted_from=obj.counted_from,
            basis=obj.basis,
            actor=request.user,
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnly(RussianNames, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Tombstone)
class TombstoneAdmin(ReadOnly):
    counted = ngettext_lazy("%(count)d tombstone", "%(count)d tombstones", "count")
    list_display = (
        "kind",
        "item_kind",
        "case",
        "dataset",
        "count",
        "due_on",
        "destroyed_at",
        "act",
    )
    exclude = ()


@admin.register(Act)
class ActAdmin(ReadOnly):
    counted = ngettext_lazy("%(count)d destruction act", "%(count)d destruction acts", "count")
    list_display = ("number", "made_at", "made_by", "items")
    exclude = ("pdf",)


@admin.register(ReceivedNotice)
class ReceivedNoticeAdmin(ReadOnly):
    counted = ngettext_lazy(
        "%(count)d destruction notice received", "%(count)d destruction notices received", "count"
    )
    list_display = ("sender_authority", "act_number", "destroyed_on", "received_at")
