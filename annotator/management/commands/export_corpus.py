"""python manage.py export_corpus --format FORMAT [--output FILE] [--aggregate] [filters]"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotator.export.forms import ExportForm, query
from annotator.export.selection import OUTLET_ROLES
from annotator.export.streaming import FORMATS, export_stream
from annotator.models import Label
from core.text.sections import Section

PROGRESS_SECONDS = 2.0


class Command(BaseCommand):
    help = (
        "Export the annotated corpus (JSON Lines, CSV, W3C Web Annotation, brat, Label Studio "
        "or doccano), per reviewer or aggregated, to a file or standard output. Progress goes "
        "to standard error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", required=True, choices=list(FORMATS))
        parser.add_argument("--output", "-o", default="-", help="file to write (default: stdout)")
        parser.add_argument(
            "--aggregate", action="store_true", help="one label per claim (consensus rule)"
        )
        parser.add_argument("--outlet", default="", help="outlet name, slug, alias or domain")
        parser.add_argument("--outlet-role", choices=OUTLET_ROLES, default="any")
        parser.add_argument("--articles", default="", help="article ids, comma-separated")
        parser.add_argument("--reviewer-group", default="", help="only tags by this group")
        parser.add_argument("--label", choices=Label.values, default="")
        parser.add_argument(
            "--sections",
            default="",
            help=f"comma-separated, of {','.join(Section.values)} "
            "(default: all for jsonl, body for the others)",
        )
        parser.add_argument("--date-from", default="", help="published on or after YYYY-MM-DD")
        parser.add_argument("--date-to", default="", help="published on or before YYYY-MM-DD")
        parser.add_argument(
            "--pseudonymize", action="store_true", help="stable pseudonyms instead of user names"
        )
        parser.add_argument("--bom", action="store_true", help="UTF-8 byte order mark (Excel)")
        parser.add_argument(
            "--classroom",
            default="",
            help="a class's id: its assignments' articles, its students' and teacher's tags",
        )
        parser.add_argument(
            "--suggestions",
            action="store_true",
            help="labelstudio: add the label suggester's predictions (with model_version)",
        )

    def handle(self, *args: object, **options: object) -> None:
        form = ExportForm(
            query(
                {
                    "format": options["format"],
                    "aggregate": options["aggregate"],
                    "outlet": options["outlet"],
                    "outlet_role": options["outlet_role"],
                    "articles": options["articles"],
                    "reviewer_group": options["reviewer_group"],
                    "label": options["label"],
                    "sections": options["sections"],
                    "date_from": options["date_from"],
                    "date_to": options["date_to"],
                    "pseudonymize": options["pseudonymize"],
                    "bom": options["bom"],
                    "suggestions": options["suggestions"],
                    "classroom": options["classroom"],
                }
            )
        )
        if not form.is_valid():
            raise CommandError(form.error_text())
        fmt = form.cleaned_data["format"]
        selection = form.selection(pseudonymize_by_default=False)
        started = time.monotonic()
        last = {"at": started, "done": -1}
        verbose = options["verbosity"] > 0

        def progress(done: int, total: int, tags: int) -> None:
            now = time.monotonic()
            finished = done == total and last["done"] != total
            if verbose and (now - last["at"] >= PROGRESS_SECONDS or finished):
                last.update(at=now, done=done)
                rate = tags / max(now - started, 1e-9)
                self.stderr.write(f"… {done}/{total} articles, {tags} tags ({rate:.0f} tags/s)")

        notes: list[str] = []
        stream = export_stream(
            selection, fmt, progress=progress, bom=form.cleaned_data["bom"], notes=notes
        )
        output = str(options["output"])
        if output == "-":
            self._to_stdout(stream, binary=fmt == "brat")
        else:
            path = Path(output)
            partial = path.with_name(path.name + ".part")
            try:
                with partial.open("wb") as out:
                    for piece in stream:
                        out.write(piece)
                os.replace(partial, path)
            finally:
                partial.unlink(missing_ok=True)
        for note in notes:
            self.stderr.write(note)
        if verbose:
            self.stderr.write(f"Exported {fmt} in {time.monotonic() - started:.1f} s.")

    def _to_stdout(self, stream, *, binary: bool) -> None:
        raw = getattr(self.stdout._out, "buffer", None)
        if raw is not None:
            for piece in stream:
                raw.write(piece)
            raw.flush()
            return
        if binary:
            raise CommandError("brat exports a zip: give --output FILE")
        for piece in stream:
            self.stdout.write(piece.decode("utf-8"), ending="")
