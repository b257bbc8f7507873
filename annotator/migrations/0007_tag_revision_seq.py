"""Each reviewer's claim numbers its revisions (seq), unique per claim; the revisions
already there are numbered in the order of their timestamps (then ids), which is the
order the history was read in until now, and each tag keeps the number of its last one.
A revision may name no account (a corpus import run without one)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

NUMBER_EXISTING = """
UPDATE "annotator_tagrevision" SET "seq" = "numbered"."n"
FROM (
    SELECT "id", ROW_NUMBER() OVER (
        PARTITION BY "reviewer_id", "sentence_id", "start", "end" ORDER BY "changed_at", "id"
    ) AS "n"
    FROM "annotator_tagrevision"
) AS "numbered"
WHERE "annotator_tagrevision"."id" = "numbered"."id"
"""
NUMBER_TAGS = """
UPDATE "annotator_claimtag" SET "seq" = COALESCE((
    SELECT MAX("revision"."seq") FROM "annotator_tagrevision" AS "revision"
    WHERE "revision"."reviewer_id" = "annotator_claimtag"."reviewer_id"
        AND "revision"."sentence_id" = "annotator_claimtag"."sentence_id"
        AND "revision"."start" = "annotator_claimtag"."start"
        AND "revision"."end" = "annotator_claimtag"."end"
), 1)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("annotator", "0006_tagrevision_suggestion_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="tagrevision",
            name="seq",
            field=models.PositiveIntegerField(
                default=0,
                help_text="The change's number in the history of its reviewer's claim: 1, 2, 3 ...",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="claimtag",
            name="seq",
            field=models.PositiveIntegerField(
                default=1,
                help_text="The number of the tag's last revision in its claim's history.",
            ),
        ),
        migrations.RunSQL(NUMBER_EXISTING, migrations.RunSQL.noop),
        migrations.RunSQL(NUMBER_TAGS, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="tagrevision",
            constraint=models.UniqueConstraint(
                fields=("sentence", "reviewer", "start", "end", "seq"),
                name="one_revision_per_claim_seq",
            ),
        ),
        migrations.AlterField(
            model_name="tagrevision",
            name="sentence",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="tag_revisions",
                to="annotator.sentence",
            ),
        ),
        migrations.AlterField(
            model_name="tagrevision",
            name="changed_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="The account that made the change (empty: a corpus import run without one).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tag_changes",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
