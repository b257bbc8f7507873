"""Four foreign keys lose the index Django gave them, since each leads another index that
serves every lookup by it: a sentence's article (unique with the position), an
adjudication's sentence (unique with the offsets), an import record's job (unique with
the record number) and a story passage's story (indexed with the passage). Each index
was one more write for every row: for the sentences, ~10% of inserting an import's rows
on SQLite.

The indexes are dropped by name rather than by AlterField: on SQLite, AlterField rebuilds
the table and would create there the PostgreSQL-only `sentence_place` (migration 0012)
as a plain index on the id, one more write again."""

from django.db import migrations, models

# The names Django gave the four indexes (the same on SQLite and PostgreSQL).
DROPPED = {
    "annotator_sentence": ("annotator_sentence_article_id_fd58174f", "article_id"),
    "annotator_adjudication": ("annotator_adjudication_sentence_id_406e3a0d", "sentence_id"),
    "annotator_importrecord": ("annotator_importrecord_job_id_1aa5dbca", "job_id"),
    "sources_storysentence": ("sources_storysentence_story_id_6f524828", "story_id"),
}


class Migration(migrations.Migration):
    dependencies = [("annotator", "0014_claimtag_claim_votes_order")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="adjudication",
                    name="sentence",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="adjudications",
                        to="annotator.sentence",
                    ),
                ),
                migrations.AlterField(
                    model_name="importrecord",
                    name="job",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="records",
                        to="annotator.importjob",
                    ),
                ),
                migrations.AlterField(
                    model_name="sentence",
                    name="article",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="sentences",
                        to="annotator.article",
                    ),
                ),
                migrations.AlterField(
                    model_name="storysentence",
                    name="story",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="passages",
                        to="annotator.story",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
                )
                for table, (index, column) in DROPPED.items()
            ],
        )
    ]
