"""Production-readiness by configuration alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The environment the README documents for a deployment.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x9$Vq2!mZ7#pL4@tR8^wK1&nB6*yH3(eJ5)uF0-cD2_gA7+sQ9=oI4",
    "ALLOWED_HOSTS": "annotator.example.org",
    "DATABASE_URL": f"sqlite:///{Path(tempfile.gettempdir()) / 'deploy-check.sqlite3'}",
}

# The subprocesses must see only the environment a deployment would have.
INHERITED_BUT_NOT_WANTED = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "STATIC_ROOT"}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in INHERITED_BUT_NOT_WANTED}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_production_settings_pass_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    env = PRODUCTION_ENV | {"SECRET_KEY": ""}
    result = manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_refuses_a_debug_value_that_is_not_a_boolean():
    result = manage("check", env=PRODUCTION_ENV | {"DEBUG": "maybe"})

    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("postgres://u:p@db.example.org:5432/annotator", "core.db.backends.postgresql"),
        ("sqlite:////tmp/x.sqlite3", "core.db.backends.sqlite3"),
    ],
)
@pytest.mark.slow
def test_database_url_picks_the_database(url, engine):
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    env = {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    clean = {k: v for k, v in os.environ.items() if k not in INHERITED_BUT_NOT_WANTED}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.strip() == engine, result.stderr


@pytest.mark.parametrize(
    ("prepared", "options"),
    [
        ("", {"server_side_binding": True, "prepare_threshold": 5}),
        ("0", {}),
    ],
)
@pytest.mark.slow
def test_postgresql_prepares_statements_unless_told_not_to(prepared, options):
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    )
    env = {
        "DATABASE_URL": "postgres://u:p@db.example.org:5432/annotator",
        "DATABASE_PREPARED_STATEMENTS": prepared,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    clean = {k: v for k, v in os.environ.items() if k not in INHERITED_BUT_NOT_WANTED}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    # and, whatever the choice, the default bounds (connect, statement and lock timeouts)
    bounds = {
        "connect_timeout": 5,
        "options": "-c statement_timeout=30000 -c lock_timeout=20000",
    }
    assert json.loads(result.stdout) == options | bounds, result.stderr


@pytest.mark.slow
def test_production_serves_hashed_static_files_through_whitenoise(tmp_path):
    env = PRODUCTION_ENV | {"STATIC_ROOT": str(tmp_path)}
    collected = manage("collectstatic", "--noinput", env=env)
    assert collected.returncode == 0, collected.stderr

    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    hashed = manifest["paths"]["annotator/app.css"]
    assert hashed != "annotator/app.css"  # the name carries the content hash
    # The workspace's ES modules import one another by those hashed names too, so that
    # a page never runs one module's new version with another's old one.
    main = (tmp_path / manifest["paths"]["annotator/workspace/main.js"]).read_text()
    state = manifest["paths"]["annotator/workspace/state.js"].rsplit("/", 1)[1]
    assert f'from "./{state}";' in main
    assert 'from "./state.js";' not in main
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        f"r = Client().get('/static/{hashed}', secure=True, HTTP_HOST='annotator.example.org');"
        "print(r.status_code, r.headers.get('Cache-Control'))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in INHERITED_BUT_NOT_WANTED}
    served = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | env | {"DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, cache = served.stdout.split(maxsplit=1)
    assert status == "200", served.stderr
    assert "immutable" in cache


@pytest.mark.parametrize(
    ("numbers", "workers", "threads", "connections"),
    [
        ({}, "2", "2", "3"),
        ({"WEB_CONCURRENCY": "4"}, "4", "2", "3"),
        ({"GUNICORN_THREADS": "4"}, "2", "4", "5"),
    ],
)
def test_gunicorn_runs_threaded_workers_that_take_only_what_they_can_serve(
    numbers, workers, threads, connections
):
    unset = ("WEB_CONCURRENCY", "GUNICORN_THREADS")
    env = {k: v for k, v in os.environ.items() if k not in unset} | numbers
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config", "config.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    config = dict(
        (name.strip(), value.strip())
        for name, _, value in (line.partition("=") for line in result.stdout.splitlines())
    )

    assert result.returncode == 0, result.stderr
    assert config["worker_class"] == "config.workers.ThreadWorker"  # gthread, config/workers.py
    # the workers share the app the master loaded (gunicorn.conf.py, bench/memory.py)
    assert config["preload_app"] == "True"
    assert (config["workers"], config["threads"], config["worker_connections"]) == (
        workers,
        threads,
        connections,
    )


def _email_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "from django.conf import settings as s; import json; print(json.dumps({k: getattr(s, k)"
        " for k in ['EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_HOST_USER',"
        " 'EMAIL_USE_TLS', 'EMAIL_USE_SSL', 'DEFAULT_FROM_EMAIL']}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in INHERITED_BUT_NOT_WANTED}
    clean = {k: v for k, v in clean.items() if not k.startswith("EMAIL_")}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "config.settings"} | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
def test_e_mail_goes_to_the_console_unless_an_smtp_server_is_named():
    result = _email_settings({})

    assert json.loads(result.stdout)["EMAIL_BACKEND"].endswith("console.EmailBackend")


@pytest.mark.slow
def test_e_mail_goes_through_smtp_with_the_environment_values():
    env = {
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": "465",
        "EMAIL_HOST_USER": "annotator",
        "EMAIL_HOST_PASSWORD": "secret",
        "DEFAULT_FROM_EMAIL": "Annotator <annotator@example.org>",
    }

    values = json.loads(_email_settings(env).stdout)

    assert values == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 465,
        "EMAIL_HOST_USER": "annotator",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": True,  # port 465: TLS from the start
        "DEFAULT_FROM_EMAIL": "Annotator <annotator@example.org>",
    }


def test_it_refuses_both_tls_and_ssl_for_e_mail():
    result = _email_settings(
        {"EMAIL_HOST": "smtp.example.org", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}
    )

    assert result.returncode != 0
    assert "EMAIL_USE_SSL and EMAIL_USE_TLS: set one of them, not both" in result.stderr


@pytest.mark.slow
def test_production_settings_with_smtp_pass_the_deploy_check():
    env = PRODUCTION_ENV | {"EMAIL_HOST": "smtp.example.org", "EMAIL_HOST_PASSWORD": "secret"}

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
