"""python manage.py detect_stories [--rebuild]: group republished articles into stories."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from annotator.models import Article, Story, StoryChange
from annotator.services import stories


class Command(BaseCommand):
    help = (
        "Find the articles that carry the same report and group them into stories. "
        "By default only the articles imported since the last run are read; --rebuild "
        "recomputes every story from scratch."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--rebuild", action="store_true", help="Recompute every story from all articles."
        )

    def handle(self, *args: object, rebuild: bool = False, **options: object) -> None:
        started = time.perf_counter()
        if rebuild:
            with stories.recording_changes(
                by=None, how=StoryChange.How.REBUILD, read=Article.objects.count()
            ):
                found = stories.detect_stories()
            self.stdout.write(
                f"Read {found.articles} articles: {found.article_pairs} pairs of copies, "
                f"{found.stories} stories ({time.perf_counter() - started:.1f} s)."
            )
            return
        added = stories.add_pending_articles()
        count = Story.objects.count()
        self.stdout.write(
            f"Read {added} new article{'' if added == 1 else 's'}; "
            f"{count} stor{'y' if count == 1 else 'ies'} in all "
            f"({time.perf_counter() - started:.1f} s)."
        )
