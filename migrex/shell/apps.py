from django.apps import AppConfig


class ShellConfig(AppConfig):
    """The top floor: navigation, the home page, the demo and the commands that run a node's
    processes. It knows every app; no app imports it."""

    name = "migrex.shell"
    verbose_name = "migrex"
