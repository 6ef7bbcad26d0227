"""Django's admin in Russian grammar.

The admin puts a model's name (its verbose_name, in the nominative) into phrases whose Russian
needs the accusative: «Выберите %s для изменения», «Добавить %s», «Изменить %s», «Просмотреть %s»,
«удалить %s» (Django's own Russian catalogue). For an animate noun the accusative differs
(«Выберите пользователя», not «пользователь»), as for a feminine one in -а («Сторону»). And the
list counts its rows with the nominative plural («3 пользователи»), where Russian declines by
number («1 пользователь», «3 пользователя», «5 пользователей»).

A ModelAdmin with `RussianNames` first in its bases names its model in those phrases with
`accusative` (a `pgettext_lazy("accusative", ...)` msgid; the verbose_name when omitted, right
for inanimate masculine and neuter nouns) and counts it with `counted` (an `ngettext_lazy` msgid
of its own, `%(count)d` the number). verbose_name stays the nominative: the rest of Django (form
errors, the log of changes) reads it so.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


class RussianNames:
    accusative = None  # pgettext_lazy("accusative", "user")
    counted = None  # ngettext_lazy("%(count)d user", "%(count)d users", "count")
    delete_selected_label = None  # the action's whole phrase when the plural declines too
    change_list_template = "admin/migrex/change_list.html"
    change_form_template = "admin/migrex/change_form.html"

    def accusative_name(self) -> str:
        return str(self.accusative or self.opts.verbose_name)

    def count_label(self, count: int) -> str:
        if self.counted is not None:
            return self.counted % {"count": count}
        # A model without its own plural: the count after the name, which needs no case.
        return f"{self.opts.verbose_name_plural}: {count}"

    def get_changelist_instance(self, request):
        listing = super().get_changelist_instance(request)
        if listing.is_popup:
            title = _("Select %s")
        elif self.has_change_permission(request):
            title = _("Select %s to change")
        else:
            title = _("Select %s to view")
        listing.title = title % self.accusative_name()
        return listing

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if add:
            title = _("Add %s")
        elif self.has_change_permission(request, obj):
            title = _("Change %s")
        else:
            title = _("View %s")
        context["title"] = title % self.accusative_name()
        context["accusative"] = self.accusative_name()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def render_delete_form(self, request, context):
        context["object_name"] = self.accusative_name()
        if context.get("perms_lacking") or context.get("protected"):
            context["title"] = _("Cannot delete %(name)s") % {"name": self.accusative_name()}
        return super().render_delete_form(request, context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.delete_selected_label is not None and "delete_selected" in actions:
            function, name, _description = actions["delete_selected"]
            actions[name] = (function, name, str(self.delete_selected_label))
        return actions
