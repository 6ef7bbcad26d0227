from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "migrex.notify"
    verbose_name = _("E-mail notifications")
