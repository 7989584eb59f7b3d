from django.apps import AppConfig


class FoiConfig(AppConfig):
    name = "ppid.foi"
    label = "foi"
    verbose_name = "Information requests"

    def ready(self):
        from . import signals  # noqa: F401  (calendar changes recompute open deadlines)
