"""The admin's list counted in Russian (core/admin_russian.py): Django's pagination, with the
model's own plural for the number of rows."""

from django import template
from django.contrib.admin.templatetags.admin_list import pagination

register = template.Library()


@register.inclusion_tag("admin/migrex/pagination.html")
def russian_pagination(cl):
    context = pagination(cl)
    admin = cl.model_admin
    context["counted"] = (
        admin.count_label(cl.result_count) if hasattr(admin, "count_label") else cl.result_count
    )
    return context
