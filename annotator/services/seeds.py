"""Loading the seed corpus described by `seeds/manifest.json`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from annotator.ingest.readers import decode
from annotator.services.imports import ImportResult, import_article
from sources.services.outlets import resolve_outlet, save_outlet

SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"


def read_manifest(folder: Path = SEEDS_DIR) -> dict:
    """The manifest, parsed."""
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


@transaction.atomic
def load_seeds(folder: Path = SEEDS_DIR) -> list[ImportResult]:
    """Create the manifest's outlets and import its articles; a second run changes nothing.

    Raises ValidationError (and saves nothing) if a seed file differs from the
    checksum the manifest gives for it."""
    manifest = read_manifest(folder)
    for outlet in manifest["outlets"]:
        save_outlet(**outlet)
    results = []
    for entry in manifest["articles"]:
        data = (folder / entry["file"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise ValidationError(
                f"seed {entry['file']} does not match its checksum in the manifest"
            )
        results.append(
            import_article(
                text=decode(data, max_bytes=settings.ANNOTATOR_MAX_ARTICLE_BYTES),
                title=entry["title"],
                publisher=resolve_outlet(entry["publisher"]),
                origin=resolve_outlet(entry["origin"]),
                byline=entry.get("byline", ""),
                comments_start=entry.get("comments_start", ""),
                source_name=f"seeds/{entry['file']}",
            )
        )
    return results
