from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "migrex.accounts"
    verbose_name = "Учётные записи"
