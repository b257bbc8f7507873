"""python manage.py load_seeds: the seed outlets and articles; running it twice changes nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotator.services.seeds import load_seeds


class Command(BaseCommand):
    help = "Load the seed outlets and articles from seeds/manifest.json (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        try:
            results = load_seeds()
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        for result in results:
            article = result.article
            state = "imported" if result.created else "already there"
            self.stdout.write(
                f"{state:>13}: {article.title[:60]} ({article.sentences.count()} sentences; "
                f"published by {article.publisher}, from {article.origin})"
            )
        created = sum(r.created for r in results)
        self.stdout.write(f"Seeds: {created} imported, {len(results) - created} already there.")
