"""bench/api.py runs on a clean checkout: a short run on SQLite sends every request,
gets no error and finds exactly the tags it sent (the full run is 5,000 requests)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_api_benchmark_sends_its_requests_and_checks_the_tags():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    result = subprocess.run(
        [sys.executable, "bench/api.py", "--requests", "200", "--sqlite-only"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"SQLite: 200 tag creates, 4 clients, 2 workers of 2 threads", out)
    assert re.search(r"\d+ requests/s", out)
    assert "statuses {201: 200}   errors 0" in out
    assert "tags expected 200, found 200, exactly the ones sent: True; revisions 200" in out
    assert "FAILED" not in out
