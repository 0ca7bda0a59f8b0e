from django.apps import AppConfig
from django.urls import register_converter


class LearnHubConfig(AppConfig):
    name = "learnhub"
    verbose_name = "LearnHub"

    def ready(self) -> None:
        from learnhub import outbox  # noqa: F401 - connects the outbox's Celery signals
        from learnhub.inputs import IdConverter

        # `<id:pk>` in every app's URLs: only ids a row can have (1 to 2**63 - 1) match.
        register_converter(IdConverter, "id")
