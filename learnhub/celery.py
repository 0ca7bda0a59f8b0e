import os

from celery import Celery
from celery.signals import worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnhub.settings.local")

app = Celery("learnhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_embedded_broker_folders(sender: Celery, **kwargs: object) -> None:
    """The filesystem transport needs its folders before the first message, and beat
    needs the folder of its schedule file (whichever the broker)."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if folder := options.get(key):
            os.makedirs(folder, exist_ok=True)
    if schedule := sender.conf.beat_schedule_filename:
        os.makedirs(os.path.dirname(os.path.abspath(schedule)), exist_ok=True)
    backend = str(sender.conf.result_backend or "")
    if backend.startswith("file://"):
        os.makedirs(backend.removeprefix("file://"), exist_ok=True)


def limit_native_threads() -> None:
    """One thread for the numerical libraries (BLAS, OpenMP) of this process.

    A worker runs a process per core, and each process's BLAS would start a thread per
    core as well: on drafting's small matrices those threads spent their time waiting
    for each other, and two worker processes drafted no more briefs than one (measured
    by ``manage.py bench``).
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


@worker_init.connect
@worker_process_init.connect
def _one_native_thread(**kwargs: object) -> None:
    """In the worker (a solo pool works in it) and in each process of a prefork pool."""
    limit_native_threads()
