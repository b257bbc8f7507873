"""python manage.py load_outlets [FILE]: the starter directory of outlets."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sources.services.outlets import DIRECTORY, load_directory


class Command(BaseCommand):
    help = (
        "Add the outlets of the starter directory (sources/data/outlets.json, or FILE): "
        "names, aliases and domains. Existing outlets keep their edits; a second run "
        "changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(DIRECTORY), help="directory file")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(options["file"])
        try:
            result = load_directory(path)
        except OSError as exc:
            raise CommandError(f"{path}: cannot read: {exc.strerror}") from None
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise CommandError(f"{path}: not a directory of outlets ({exc})") from None
        except ValidationError as exc:
            raise CommandError(f"{path}: {'; '.join(exc.messages)}") from None
        self.stdout.write(
            f"Outlets: {len(result.created)} created, {len(result.updated)} given missing "
            f"aliases or domains, {len(result.unchanged)} already there."
        )
        for name in result.created:
            self.stdout.write(f"  created {name}")
