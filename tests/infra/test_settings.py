"""Configuration comes from the environment, and production refuses to start unsafely.

Settings are read once per process, so each case runs Django in a subprocess with an
environment built from scratch (no developer ``.env``, no CI variables leaking in).
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DROPPED_VARIABLES = ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DJANGO_", "LEARNHUB_", "CELERY_")

SHOW_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""),
    "conn_max_age": db["CONN_MAX_AGE"], "debug": settings.DEBUG,
    "allowed_hosts": settings.ALLOWED_HOSTS, "broker": settings.CELERY_BROKER_URL,
    "result_backend": settings.CELERY_RESULT_BACKEND,
    "cache": settings.CACHES["default"]["BACKEND"], "email_backend": settings.EMAIL_BACKEND,
    "email_host": settings.EMAIL_HOST, "email_port": settings.EMAIL_PORT,
    "email_use_tls": settings.EMAIL_USE_TLS, "site_url": settings.LEARNHUB_SITE_URL,
}))
"""


def _environment(settings_module: str, tmp_path: Path, **variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED_VARIABLES)}
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        LEARNHUB_ENV_FILE=os.devnull,
        LEARNHUB_VAR_DIR=str(tmp_path / "var"),
        **variables,
    )
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def _settings(settings_module: str, tmp_path: Path, **variables: str) -> dict[str, object]:
    result = _run(["-c", SHOW_SETTINGS], _environment(settings_module, tmp_path, **variables))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _production_environment(tmp_path: Path) -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "learnhub.example.org",
        "LEARNHUB_SITE_URL": "https://learnhub.example.org/",
        "DATABASE_URL": "postgres://learnhub:secret@db.internal:5432/learnhub",
        "REDIS_URL": "redis://cache.internal:6379/0",
        "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    }


def test_local_defaults_need_nothing_installed(tmp_path: Path) -> None:
    found = _settings("learnhub.settings.local", tmp_path)

    assert found == {
        "engine": "django.db.backends.sqlite3",
        "name": str(tmp_path / "var" / "learnhub.sqlite3"),
        "host": "",
        "conn_max_age": 0,
        "debug": False,
        "allowed_hosts": ["localhost", "127.0.0.1", "[::1]"],
        "broker": "filesystem://localhost//",
        "result_backend": f"file://{tmp_path / 'var' / 'celery' / 'results'}",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "email_backend": "django.core.mail.backends.console.EmailBackend",
        "email_host": "localhost",
        "email_port": 25,
        "email_use_tls": False,
        "site_url": "http://127.0.0.1:8000",
    }


MAKE_RUN_PAGES = """
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
missing = client.get("/no-such-page/")
style = client.get("/static/css/learnhub.css")
print(missing.status_code, "Go to the LearnHub home page" in missing.content.decode(),
      "URLconf" in missing.content.decode(), style.status_code)
"""


def test_make_run_shows_learnhub_error_pages_and_still_serves_its_static_files(
    tmp_path: Path,
) -> None:
    """Under `make run` a missing page is LearnHub's 404, not Django's list of every URL,
    and the stylesheet is still served (by WhiteNoise, from the source folders)."""
    result = _run(["-c", MAKE_RUN_PAGES], _environment("learnhub.settings.local", tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["404", "True", "False", "200"]

    debugging = _run(
        ["-c", MAKE_RUN_PAGES],
        _environment("learnhub.settings.local", tmp_path, DJANGO_DEBUG="true"),
    )
    assert debugging.returncode == 0, debugging.stderr
    assert debugging.stdout.split() == ["404", "False", "True", "200"]


def test_services_and_email_come_from_urls_in_the_environment(tmp_path: Path) -> None:
    found = _settings("learnhub.settings.production", tmp_path, **_production_environment(tmp_path))

    assert found == {
        "engine": "django.db.backends.postgresql",
        "name": "learnhub",
        "host": "db.internal",
        "conn_max_age": 60,
        "debug": False,
        "allowed_hosts": ["learnhub.example.org"],
        "broker": "redis://cache.internal:6379/0",
        "result_backend": "redis://cache.internal:6379/0",
        "cache": "learnhub.cache.ResilientRedisCache",
        "email_backend": "django.core.mail.backends.smtp.EmailBackend",
        "email_host": "smtp.example.org",
        "email_port": 587,
        "email_use_tls": True,
        "site_url": "https://learnhub.example.org",
    }


def test_debug_cannot_be_switched_on_in_production(tmp_path: Path) -> None:
    found = _settings(
        "learnhub.settings.production",
        tmp_path,
        DJANGO_DEBUG="true",
        **_production_environment(tmp_path),
    )

    assert found["debug"] is False


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "LEARNHUB_SITE_URL"]
)
def test_production_refuses_to_start_without_a_required_variable(
    tmp_path: Path, missing: str
) -> None:
    variables = _production_environment(tmp_path)
    del variables[missing]

    result = _run(
        ["manage.py", "check"],
        _environment("learnhub.settings.production", tmp_path, **variables),
    )

    assert result.returncode == 1
    assert f"ImproperlyConfigured: Set the {missing} environment variable" in result.stderr


def test_production_settings_pass_the_deployment_checklist(tmp_path: Path) -> None:
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _environment("learnhub.settings.production", tmp_path, **_production_environment(tmp_path)),
    )

    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "System check identified no issues (0 silenced).\n",
        "",
    )


def test_production_static_files_collect_into_a_manifest(tmp_path: Path) -> None:
    # The Dockerfile runs collectstatic with production settings. Its manifest step fails
    # the build when a stylesheet points at a file that does not exist. (Compression, the
    # slow part, is left out here: it cannot fail on a missing file.)
    static_root = tmp_path / "static"
    collect = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.core.management import call_command\n"
        "from django.test.utils import override_settings\n"
        "manifest = {'BACKEND': 'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}\n"
        "with override_settings(STORAGES={**settings.STORAGES, 'staticfiles': manifest}):\n"
        "    call_command('collectstatic', '--noinput', '-v0')\n"
    )
    result = _run(
        ["-c", collect],
        _environment(
            "learnhub.settings.production",
            tmp_path,
            DJANGO_SECRET_KEY="collectstatic-only",
            DJANGO_ALLOWED_HOSTS="localhost",
            LEARNHUB_SITE_URL="http://localhost",
            DJANGO_STATIC_ROOT=str(static_root),
        ),
    )

    assert result.returncode == 0, result.stderr
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    assert "css/learnhub.css" in manifest["paths"]
    assert (static_root / manifest["paths"]["css/learnhub.css"]).is_file()
