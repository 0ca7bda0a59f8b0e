from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The bench's commands (``seed_scale``, ``bench``). Registered only in the local,
    test and bench settings: the package and the Docker image leave ``bench/`` out."""

    name = "bench"
    verbose_name = "Performance bench"
