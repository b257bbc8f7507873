"""The charts speak the workspace's language: its colours for the labels (the letters
come from annotator/labels.py itself)."""

from __future__ import annotations

import re
from pathlib import Path

from annotator.labels import GUIDE
from framing.presenters.charts import COLOURS

APP_CSS = Path(__file__).resolve().parents[2] / "static" / "annotator" / "app.css"


def test_the_chart_colours_are_the_workspace_colours():
    declared = dict(
        re.findall(
            r"--(sourced|unsourced|opinion|speculation):\s*(#[0-9a-f]{6})", APP_CSS.read_text()
        )
    )

    assert declared == {guide.label: COLOURS[guide.label] for guide in GUIDE}
