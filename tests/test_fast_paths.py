"""The FAST_PATHS setting: all the fast paths on unless the environment says otherwise,
and a value it cannot read stops the app from starting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NAMES = [
    "connection_check",
    "permissions_sql",
    "plain_body",
    "read_ahead",
    "serializer_fields",
    "session_sql",
    "session_user",
    "tag_representation",
    "token_counts",
    "token_sql",
    "url_cache",
]


def fast_paths(value: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "FAST_PATHS"}
    if value is not None:
        env["FAST_PATHS"] = value
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    code = "from django.conf import settings; print(','.join(sorted(settings.FAST_PATHS)))"
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("value", "on"),
    [
        (None, NAMES),
        ("", NAMES),
        ("on", NAMES),
        ("0", []),
        ("false", []),
        ("token_sql", ["token_sql"]),
        (" serializer_fields , token_sql,", ["serializer_fields", "token_sql"]),
    ],
)
def test_fast_paths_are_on_unless_the_environment_turns_them_off(value, on):
    result = fast_paths(value)

    assert result.stdout.strip() == ",".join(on), result.stderr


@pytest.mark.parametrize("value", ["maybe", "token_sql,warp_drive"])
def test_it_refuses_a_fast_paths_value_it_cannot_read(value):
    result = fast_paths(value)

    assert result.returncode != 0
    assert "FAST_PATHS" in result.stderr
    assert value.split(",")[-1] in result.stderr
