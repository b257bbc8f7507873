"""Articles, their sentences, and the claim tags reviewers put on them."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.utils import timezone

from core.text.sections import Section
from sources.models import Outlet


class Article(models.Model):
    title = models.CharField(max_length=500)
    # The text exactly as imported; sentences point into it by offset, so nothing may
    # rewrite it once they exist.
    text = models.TextField()
    content_hash = models.CharField(
        max_length=64, unique=True, editable=False, help_text="SHA-256 of the text."
    )
    # Markup kept for display, sanitised with bleach when it was imported.
    html = models.TextField(blank=True)
    publisher = models.ForeignKey(
        Outlet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_articles",
        help_text="Where the article appeared.",
    )
    publisher_signal = models.CharField(max_length=300, blank=True)
    origin = models.ForeignKey(
        Outlet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="originated_articles",
        help_text="Who wrote it.",
    )
    origin_signal = models.CharField(max_length=300, blank=True)
    # An outlet that the text names as its origin ("Originally published at X") but that
    # is not in the directory: origin stays empty until someone creates the outlet.
    origin_unknown = models.CharField(
        max_length=200, blank=True, help_text="Origin named in the text but not a known outlet."
    )
    byline = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    published_on = models.DateField(null=True, blank=True)
    source_name = models.CharField(
        max_length=500, blank=True, help_text="The file (or stream) it was imported from."
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imported_articles",
    )
    imported_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="article_text_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_republished(self) -> bool:
        """True when the outlet that published it is not the one that wrote it."""
        return (
            self.publisher_id is not None
            and self.origin_id is not None
            and self.publisher_id != self.origin_id
        )


class OutletCorrection(models.Model):
    """A teacher's or editor's correction of an article's publisher or origin: who, when,
    and the outlet before and after."""

    class Field(models.TextChoices):
        PUBLISHER = "publisher", "Publisher"
        ORIGIN = "origin", "Origin"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(max_length=10, choices=Field.choices)
    old = models.ForeignKey(
        Outlet, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    old_signal = models.CharField(max_length=300, blank=True)
    new = models.ForeignKey(
        Outlet, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # None: a command run without --user (`import_articles --create-outlets`).
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outlet_corrections",
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(field__in=["publisher", "origin"]), name="correction_field_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field} of article {self.article_id}: {self.old_id} -> {self.new_id}"


class Sentence(models.Model):
    # No index of its own for the article: it leads the unique constraint on (article,
    # position), which serves every lookup by article; a second index was one more write
    # for each of an import's sentences (~10% of inserting them on SQLite).
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="sentences", db_index=False
    )
    position = models.PositiveIntegerField()
    paragraph = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    section = models.CharField(max_length=20, choices=Section.choices, default=Section.BODY)
    # Always article.text[start:end]; kept so that lists and searches need not load
    # whole articles.
    text = models.TextField()

    class Meta:
        ordering = ["article", "position"]
        indexes = [
            # The outlet figures (core.db.framing) read, for every sentence in focus, its
            # article, section and offsets, in id order: from this index alone, without
            # the rows and their text. PostgreSQL only (INCLUDE): on SQLite the rowid
            # already leads to them, so migration 0012 creates it on PostgreSQL alone.
            models.Index(
                fields=["id"], include=["article", "section", "start", "end"], name="sentence_place"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"], name="sentence_position_unique"
            ),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="sentence_start_lt_end"),
            models.CheckConstraint(
                condition=Q(end=F("start") + Length("text")), name="sentence_text_fits_offsets"
            ),
            models.CheckConstraint(
                condition=Q(section__in=Section.values), name="sentence_section_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Label(models.TextChoices):
    SOURCED = "sourced", "Sourced"
    UNSOURCED = "unsourced", "Unsourced"
    OPINION = "opinion", "Opinion"
    SPECULATION = "speculation", "Speculation"


class ClaimTag(models.Model):
    """One reviewer's judgement of one claim: a whole sentence, or a span inside it.

    `start`/`end` are offsets into the article text; a whole-sentence tag carries the
    sentence's own offsets, so that "one tag per reviewer per claim" is a plain unique
    constraint."""

    # No index of their own for the three foreign keys: each leads one of the indexes
    # below (sentence: claimtag_claim_votes; reviewer: the unique constraint; outlet:
    # claimtag_outlet_sentence), and every index is one more write per tag.
    sentence = models.ForeignKey(
        Sentence, on_delete=models.CASCADE, related_name="tags", db_index=False
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="claim_tags",
        db_index=False,
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    label = models.CharField(max_length=20, choices=Label.choices)
    outlet = models.ForeignKey(
        Outlet,
        on_delete=models.PROTECT,
        related_name="attributed_tags",
        help_text="The outlet the claim is attributed to.",
        db_index=False,
    )
    cited_source = models.CharField(
        max_length=300, blank=True, help_text="Who the claim says it comes from, if sourced."
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The number of the tag's last revision (TagRevision.seq): the next change takes
    # seq + 1, read from this row under the row's lock, so it is never out of date.
    seq = models.PositiveIntegerField(
        default=1, help_text="The number of the tag's last revision in its claim's history."
    )

    class Meta:
        ordering = ["sentence", "start", "reviewer"]
        indexes = [
            # The outlet figures (core.db.framing): the sentences whose tags name given
            # outlets, then every vote on their claims, read from the index alone.
            models.Index(fields=["outlet", "sentence"], name="claimtag_outlet_sentence"),
            # Each claim's votes, read from the index alone: the outlet figures
            # (core.db.framing) by claim; everyone else's tags on a page
            # (core.db.workspace.others_tags) grouped by claim, outlet, label and cited
            # source, in the index's order (no sort).
            models.Index(
                fields=["sentence", "start", "end", "outlet", "label", "cited_source", "reviewer"],
                name="claimtag_claim_votes",
            ),
            # The few tags with a note, for a page showing everyone's tags: their votes
            # are read from claimtag_claim_votes alone, their notes from here
            # (core.db.workspace.others_tags). Only a tag with a note is written to it.
            models.Index(fields=["sentence"], name="claimtag_noted", condition=~Q(note="")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "sentence", "start", "end"],
                name="one_tag_per_reviewer_per_claim",
            ),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="tag_start_lt_end"),
            models.CheckConstraint(condition=Q(label__in=Label.values), name="tag_label_valid"),
            models.CheckConstraint(
                condition=Q(label=Label.SOURCED) | Q(cited_source=""),
                name="tag_cited_source_only_when_sourced",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} by {self.reviewer_id} on sentence {self.sentence_id}"

    @property
    def is_span(self) -> bool:
        """True when the tag covers only part of its sentence."""
        return (self.start, self.end) != (self.sentence.start, self.sentence.end)


class TagRevision(models.Model):
    """The history of claim tags: one row per change, kept after the tag is deleted.

    It records the tag as it stood after the change (for a deletion: as it stood
    before). A reviewer's claim (reviewer, sentence, start, end) numbers its changes
    1, 2, 3 ... in `seq`, across deletions and re-creations, in the order they were
    made (annotator.services.tagging serialises them): replaying them in that order gives the
    tag as stored (annotator.selectors.history checks it)."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        DELETED = "deleted", "Deleted"

    tag = models.ForeignKey(
        ClaimTag, on_delete=models.SET_NULL, null=True, blank=True, related_name="revisions"
    )
    # No index of its own: it leads one_revision_per_claim_seq's.
    sentence = models.ForeignKey(
        Sentence, on_delete=models.CASCADE, related_name="tag_revisions", db_index=False
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tag_revisions"
    )
    # changed_by and outlet are only ever looked up when an account or an outlet is
    # deleted (rare, and PROTECTed): no index of their own, two writes fewer per change.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tag_changes",
        db_index=False,
        help_text="The account that made the change (empty: a corpus import run without one).",
    )
    seq = models.PositiveIntegerField(
        help_text="The change's number in the history of its reviewer's claim: 1, 2, 3 ..."
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    label = models.CharField(max_length=20, choices=Label.choices)
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+", db_index=False)
    cited_source = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The suggester's model version when the change accepted a label suggestion
    # (suggestions), so that figures can tell accepted from independent answers.
    suggestion_version = models.CharField(max_length=100, blank=True, default="")
    # The change this one took back (annotator.services.tagging.undo_change): the workspace's Undo.
    undoes = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="undone_by",
        db_index=False,
        help_text="The change this one undid, when it was an undo.",
    )

    class Meta:
        ordering = ["-changed_at", "-id"]
        constraints = [
            # Two writers can never both record change n of one claim.
            models.UniqueConstraint(
                fields=["sentence", "reviewer", "start", "end", "seq"],
                name="one_revision_per_claim_seq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.label} ({self.changed_at:%Y-%m-%d %H:%M})"

    @classmethod
    def of(
        cls,
        tag: ClaimTag,
        *,
        action: str,
        seq: int,
        changed_by_id: int | None,
        changed_at: datetime.datetime | None = None,
    ) -> TagRevision:
        """An unsaved revision recording `tag` as it stands, change `seq` of its claim,
        `action` by `changed_by_id` (now, unless `changed_at`). A deletion's revision
        keeps the tag's values but no link to it."""
        return cls(
            tag=None if action == cls.Action.DELETED else tag,
            sentence_id=tag.sentence_id,
            reviewer_id=tag.reviewer_id,
            changed_by_id=changed_by_id,
            seq=seq,
            action=action,
            start=tag.start,
            end=tag.end,
            label=tag.label,
            outlet_id=tag.outlet_id,
            cited_source=tag.cited_source,
            note=tag.note,
            changed_at=changed_at or timezone.now(),
        )


class Adjudication(models.Model):
    """A teacher's or editor's final decision on a claim, overriding the reviewers' vote.

    The claim is identified as a tag's is: sentence plus article offsets."""

    # The sentence leads the unique constraint below, which serves its lookups: no index
    # of its own.
    sentence = models.ForeignKey(
        Sentence, on_delete=models.CASCADE, related_name="adjudications", db_index=False
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    label = models.CharField(max_length=20, choices=Label.choices)
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="adjudications")
    cited_source = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    adjudicated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="adjudications"
    )
    adjudicated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sentence", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["sentence", "start", "end"], name="one_adjudication_per_claim"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="adjudication_start_lt_end"
            ),
            models.CheckConstraint(
                condition=Q(label__in=Label.values), name="adjudication_label_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} (adjudicated) on sentence {self.sentence_id}"


# Bulk imports (annotator/ingest/jobs.py): a batch too large for one request, or one
# waiting on the import page for its preview to be confirmed.


class ImportJob(models.Model):
    """A batch of articles to import: its records wait in a spool file (a draft for the
    import page's preview, then queued for a background worker) and its outcome is
    counted as it goes, record by record in ImportRecord."""

    class Status(models.TextChoices):
        DRAFT = "draft", "waiting for the preview to be confirmed"
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    spool = models.CharField(max_length=500, blank=True)  # the entries, one JSON a line
    publisher = models.CharField(max_length=200, blank=True)
    origin = models.CharField(max_length=200, blank=True)
    corrections = models.JSONField(default=dict, blank=True)  # record number -> fields
    total = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import of {self.total} record(s) by {self.created_by_id}: {self.status}"

    @property
    def processed(self) -> int:
        return self.created + self.duplicates + self.rejected

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ImportRecord(models.Model):
    """What became of one record of an ImportJob."""

    class Status(models.TextChoices):
        CREATED = "created"
        DUPLICATE = "duplicate"
        REJECTED = "rejected"

    # The job leads the unique constraint below, which serves its lookups: no index of its own.
    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="records", db_index=False
    )
    record = models.PositiveIntegerField()
    source = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=500, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["job", "record"]
        constraints = [
            models.UniqueConstraint(fields=["job", "record"], name="one_outcome_per_record")
        ]

    def __str__(self) -> str:
        return f"record {self.record} of {self.job_id}: {self.status}"


class Story(models.Model):
    """Articles that carry the same report: an original and its republications.

    Written only by `annotator.services.stories` (the `detect_stories` command and the import hook);
    the pages read it. The copy marked `is_original` is the reference that the others
    are compared with."""

    title = models.CharField(max_length=500)
    detected_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "sources_story"  # named when stories lived in the outlets app
        ordering = ["-detected_at", "-id"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title


class StoryArticle(models.Model):
    """One copy of a story. An article belongs to at most one story."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="copies")
    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="story_copy")
    is_original = models.BooleanField(default=False)

    class Meta:
        db_table = "sources_storyarticle"  # named when stories lived in the outlets app
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

    # The story leads the index on (story, passage) below: no index of its own.
    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, related_name="passages", db_index=False
    )
    sentence = models.OneToOneField(
        Sentence, on_delete=models.CASCADE, related_name="story_passage"
    )
    passage = models.PositiveIntegerField()

    class Meta:
        db_table = "sources_storysentence"  # named when stories lived in the outlets app
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
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        db_table = "sources_sentencekey"  # named when stories lived in the outlets app
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
        Article, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    scanned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "sources_scannedarticle"  # named when stories lived in the outlets app

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
        db_table = "sources_storychange"  # named when stories lived in the outlets app
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.articles_moved} article(s) moved by {self.how} at {self.changed_at}"
