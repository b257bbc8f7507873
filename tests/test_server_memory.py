"""What a server process holds: the app as gunicorn's master loads it (config.wsgi and the
URLconf, see gunicorn.conf.py) leaves out what only a rare request needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

LOAD = """
import json, sys
import config.wsgi
from django.urls import get_resolver
get_resolver()._populate()
loaded = "confusable_homoglyphs" in sys.modules
from core.auth.usernames import username_problem
problem = username_problem("p\u0430ypal")  # a Cyrillic a among Latin letters
print(json.dumps({"loaded": loaded, "problem": problem,
                  "after": "confusable_homoglyphs" in sys.modules}))
"""


@pytest.mark.own_database
def test_the_server_loads_the_confusables_table_only_when_a_username_is_checked(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DEBUG": "0",
        "SECRET_KEY": "test-" + "x" * 50,
        "PYTHONWARNINGS": "ignore",
    }
    done = subprocess.run(
        [sys.executable, "-c", LOAD], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures == {
        "loaded": False,
        "problem": "A username cannot mix letters of different scripts that look alike.",
        "after": True,
    }
