"""The suggester's tests save models under a temporary directory of their own."""

from __future__ import annotations

import pytest

from suggestions import model as learned


@pytest.fixture(autouse=True)
def model_dir(settings, tmp_path):
    settings.SUGGESTER_MODEL_DIR = tmp_path / "suggester"
    learned.forget()
    yield settings.SUGGESTER_MODEL_DIR
    learned.forget()
