from django.apps import AppConfig


class LearnHubConfig(AppConfig):
    name = "learnhub"
    verbose_name = "LearnHub"
