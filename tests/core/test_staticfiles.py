"""The production static files storage (core/staticfiles.py)."""

from __future__ import annotations

from core.staticfiles import ModuleAwareStaticFilesStorage


def test_a_static_url_names_the_hashed_file_of_the_latest_manifest(tmp_path):
    storage = ModuleAwareStaticFilesStorage(location=tmp_path, base_url="/static/")
    storage.hashed_files = {"annotator/app.css": "annotator/app.1a2b3c.css"}
    assert storage.url("annotator/app.css") == "/static/annotator/app.1a2b3c.css"
    assert storage.url("annotator/app.css") == "/static/annotator/app.1a2b3c.css"

    # collectstatic of new content writes a new manifest: pages name the new file.
    storage.hashed_files = {"annotator/app.css": "annotator/app.4d5e6f.css"}
    storage.save_manifest()
    assert storage.url("annotator/app.css") == "/static/annotator/app.4d5e6f.css"
