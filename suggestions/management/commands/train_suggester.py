"""Train the label suggester and save it with its version (suggestions.model)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from suggestions import model as learned
from suggestions.selectors.corpus import installation_examples


class Command(BaseCommand):
    help = (
        "Train the label suggester on the shipped labelled file plus this installation's "
        "settled claims (adjudications, keys, teachers' tags, handed-in majorities) and "
        "save it under SUGGESTER_MODEL_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", action="append", default=[], help="Also train on this labelled JSONL file."
        )
        parser.add_argument(
            "--no-shipped", action="store_true", help="Leave out the shipped training file."
        )
        parser.add_argument(
            "--no-installation", action="store_true", help="Leave out this installation's claims."
        )
        parser.add_argument("--output", help="Save here instead of SUGGESTER_MODEL_DIR.")

    def handle(self, *args, **options):
        examples: list[learned.Example] = []
        if not options["no_shipped"]:
            examples += learned.shipped_examples()
        for path in options["file"]:
            try:
                examples += learned.read_jsonl(path)
            except (OSError, ValueError) as exc:
                raise CommandError(f"{path}: {exc}") from None
        own = [] if options["no_installation"] else installation_examples()
        examples += own
        if not examples:
            raise CommandError("nothing to train on")
        began = time.perf_counter()
        try:
            model = learned.train(examples)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        path = learned.save(model, Path(options["output"]) if options["output"] else None)
        learned.forget()
        self.stdout.write(
            f"trained {model.version} on {len(examples)} sentences ({len(own)} from this "
            f"installation) in {time.perf_counter() - began:.1f} s; saved to {path}"
        )
