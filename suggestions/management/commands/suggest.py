"""Pre-annotate articles: the suggester's labels saved as the tags of a bot reviewer."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from annotator.models import Article, Sentence
from annotator.selectors.workspace import UNTAGGABLE_SECTIONS
from annotator.services.tagging import tag_claim
from core.auth.roles import REVIEWERS
from suggestions.selectors.suggestions import cached_for_article


class Command(BaseCommand):
    help = (
        "Tag every claim of the given articles with its suggested label, as the bot "
        "reviewer SUGGESTER_BOT_USERNAME (created without a usable password), so that a "
        "corpus can be pre-labelled and then corrected. Each tag's history records the "
        "model version."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", required=True, help="Article ids, comma-separated.")

    def handle(self, *args, **options):
        try:
            ids = sorted({int(part) for part in options["articles"].split(",") if part.strip()})
        except ValueError:
            raise CommandError("--articles: give article ids separated by commas") from None
        found = set(Article.objects.filter(pk__in=ids).values_list("pk", flat=True))
        missing = [pk for pk in ids if pk not in found]
        if missing or not ids:
            raise CommandError(f"--articles: no article with id {', '.join(map(str, missing))}")
        bot = bot_reviewer()
        total = 0
        for article_id in ids:
            sentences = {
                s.pk: s
                for s in Sentence.objects.filter(article_id=article_id)
                .exclude(section__in=UNTAGGABLE_SECTIONS)
                .select_related("article")
            }
            rows = [
                (s.pk, s.text, s.start)
                for s in sorted(sentences.values(), key=lambda s: s.position)
            ]
            article = Article.objects.only("origin_id", "publisher_id").get(pk=article_id)
            if article.origin_id is None and article.publisher_id is None:
                self.stderr.write(
                    f"article {article_id}: skipped, it has no outlet to attribute to"
                )
                continue
            with transaction.atomic():
                for suggestion in cached_for_article(article_id, rows):
                    tag_claim(
                        sentence=sentences[suggestion.sentence_id],
                        reviewer=bot,
                        label=suggestion.label,
                        cited_source=suggestion.cited_source[:300],
                        note=suggestion.explanation[:2000],
                        suggestion_version=suggestion.model_version,
                    )
                    total += 1
            self.stdout.write(f"article {article_id}: {len(rows)} claims suggested")
        self.stdout.write(f"{total} tags by {bot.username}")


def bot_reviewer():
    """The bot account (a reviewer that cannot log in), created on first use."""
    user, created = get_user_model().objects.get_or_create(
        username=settings.SUGGESTER_BOT_USERNAME,
        defaults={"first_name": "Suggester", "last_name": "(bot)"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=REVIEWERS))
    # A fresh permission cache: the group was just added.
    return get_user_model().objects.get(pk=user.pk)
