"""Media outlets: who publishes an article, who wrote it, and whom a claim is attributed to."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

# The pages under /outlets/ beside the outlets' profiles (/outlets/<slug>/, see
# sources/urls.py): an outlet with one of these slugs would have its profile hidden
# behind the page, so no outlet may take one (in any case). A test keeps this in step
# with the URLs.
RESERVED_SLUGS = frozenset({"compare", "stories", "tags"})


class OutletKind(models.TextChoices):
    NEWS = "news", "News site"
    AGGREGATOR = "aggregator", "Aggregator / republisher"
    BLOG = "blog", "Blog"
    AGENCY = "agency", "News agency"


class Outlet(models.Model):
    Kind = OutletKind

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OutletKind.values), name="outlet_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.slug.lower() in RESERVED_SLUGS:
            raise ValidationError(
                {
                    "slug": f"The slug {self.slug!r} is reserved: /outlets/{self.slug.lower()}/ "
                    "is another page. Choose another slug."
                }
            )


class OutletAlias(models.Model):
    """Another name an outlet goes by ("SouthFront", "Centre for Research on Globalization")."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "outlet aliases"
        constraints = [
            # One alias names one outlet, whatever its case.
            models.UniqueConstraint(Lower("name"), name="outlet_alias_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class OutletDomain(models.Model):
    """A home domain of an outlet, lower-case and without "www." (southfront.org)."""

    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(domain=Lower("domain")), name="outlet_domain_lowercase"
            ),
        ]

    def __str__(self) -> str:
        return self.domain


class Story(models.Model):
    """Articles that carry the same report: an original and its republications.

    Written only by `sources.stories` (the `detect_stories` command and the import hook);
    the pages read it. The copy marked `is_original` is the reference that the others
    are compared with."""

    title = models.CharField(max_length=500)
    detected_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-detected_at", "-id"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title


class StoryArticle(models.Model):
    """One copy of a story. An article belongs to at most one story."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="copies")
    article = models.OneToOneField(
        "annotator.Article", on_delete=models.CASCADE, related_name="story_copy"
    )
    is_original = models.BooleanField(default=False)

    class Meta:
        ordering = ["story", "-is_original", "article"]
        constraints = [
            models.UniqueConstraint(
                fields=["story"],
                condition=models.Q(is_original=True),
                name="one_original_per_story",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} in story {self.story_id}"


class StorySentence(models.Model):
    """Where a sentence of a story's copy stands: sentences of different copies with the
    same `passage` number are the same text (up to small edits); a passage found in one
    copy only was added by it (or dropped by the others)."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="passages")
    sentence = models.OneToOneField(
        "annotator.Sentence", on_delete=models.CASCADE, related_name="story_passage"
    )
    passage = models.PositiveIntegerField()

    class Meta:
        ordering = ["story", "passage"]
        indexes = [models.Index(fields=["story", "passage"], name="storysentence_passage")]

    def __str__(self) -> str:
        return f"passage {self.passage} of story {self.story_id}"


class SentenceKey(models.Model):
    """Near-duplicate keys of a body sentence (its normalised text, its first and last
    words, a min-hash of its word trigrams), kept so that a newly imported article finds
    its candidate copies with one indexed look-up."""

    key = models.BigIntegerField()
    # True for the key of the whole normalised text: one per sentence, so counting them
    # counts an article's distinct sentences.
    exact = models.BooleanField()
    # A plain number, not a foreign key: a full detection writes millions of these rows,
    # and a third index would slow that down by a third. The keys go with their article.
    sentence_id = models.BigIntegerField()
    article = models.ForeignKey(
        "annotator.Article", on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
        # Named, so that a full detection can drop them while it writes and build them
        # again afterwards (much faster than updating them row by row).
        indexes = [
            models.Index(fields=["key"], name="sentencekey_key"),
            models.Index(fields=["article"], name="sentencekey_article"),
        ]

    def __str__(self) -> str:
        return f"{self.key} -> sentence {self.sentence_id}"


class ScannedArticle(models.Model):
    """An article that story detection has read (its keys are stored, if it has any)."""

    article = models.OneToOneField(
        "annotator.Article", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    scanned_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"article {self.article_id} scanned"


class StoryChange(models.Model):
    """A detection run that moved articles imported earlier into or out of stories, and
    so may have changed figures that count a republished claim once: the pages say when
    and why. Runs that move nothing are not kept."""

    class How(models.TextChoices):
        CHECK = "check", "pressing “Check them now” on the stories page"
        COMMAND = "command", "manage.py detect_stories"
        REBUILD = "rebuild", "a rebuild of every story (manage.py detect_stories --rebuild)"
        IMPORT = "import", "filing the articles of an import (the background worker)"

    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    how = models.CharField(max_length=10, choices=How.choices)
    articles_read = models.PositiveIntegerField()
    articles_moved = models.PositiveIntegerField()

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.articles_moved} article(s) moved by {self.how} at {self.changed_at}"
