"""python manage.py segment [FILE]: print a text's sentences as JSON lines."""

from __future__ import annotations

import json
import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotator.ingest.readers import BadInput, decode, document_from_text, guess_format
from core.text.sections import classify_sections
from core.text.segment import split_sentences


class Command(BaseCommand):
    help = (
        "Split a text (a file, or standard input) into sentences and print one JSON "
        "object per line: start, end, section, text. Offsets index the text as imported "
        "(for HTML and Markdown: the text they reduce to)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default="-", help="file to split (default: stdin)")
        parser.add_argument("--comments-start", default="", help="text where comments begin")

    def handle(self, *args: object, **options: object) -> None:
        name = options["file"]
        try:
            if name == "-":
                data = sys.stdin.buffer.read(settings.ANNOTATOR_MAX_ARTICLE_BYTES + 1)
            else:
                with open(name, "rb") as stream:
                    data = stream.read(settings.ANNOTATOR_MAX_ARTICLE_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"{name}: cannot read: {exc.strerror}") from None
        try:
            text = decode(data, max_bytes=settings.ANNOTATOR_MAX_ARTICLE_BYTES)
            fmt = "text" if name == "-" else guess_format(name)
            if fmt == "jsonl":
                raise BadInput("JSON Lines holds several articles; use import_articles")
            text = document_from_text(text, source=name, fmt=fmt).text
        except BadInput as exc:
            raise CommandError(f"{name}: {exc}") from None

        spans = split_sentences(text)
        sections = classify_sections(text, spans, comments_start=options["comments_start"])
        try:
            for span, section in zip(spans, sections, strict=True):
                record = {
                    "start": span.start,
                    "end": span.end,
                    "section": str(section),
                    "text": text[span.start : span.end],
                }
                self.stdout.write(json.dumps(record, ensure_ascii=False))
            self.stdout.flush()
        except BrokenPipeError:
            # The reader stopped early (`segment … | head`): that is not an error. Point
            # stdout at /dev/null so that the interpreter's last flush does not fail too.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
