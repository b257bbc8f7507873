"""bench/bulk.py runs on a clean checkout: a short run on SQLite imports its articles
through the bulk API and finds each stored once (the full run adds 22,000 as jobs)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_bulk_benchmark_imports_its_articles_and_checks_them():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    result = subprocess.run(
        [sys.executable, "bench/bulk.py", "--sqlite-only", "--skip-large", "--rounds", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "round 1: " in out and "created 200" in out
    assert "the same as 200 POST /api/articles/" in out and "statuses [201]" in out
    assert "articles stored 404 (sent 404), texts stored twice 0: ok" in out
