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

# Each foreign key (model, field, the model it points to, its related name) and the index
# Django gave it (the same name on SQLite and PostgreSQL), its table and column.
DROPPED = [
    (
        ("adjudication", "sentence", "annotator.sentence", "adjudications"),
        ("annotator_adjudication_sentence_id_406e3a0d", "annotator_adjudication", "sentence_id"),
    ),
    (
        ("importrecord", "job", "annotator.importjob", "records"),
        ("annotator_importrecord_job_id_1aa5dbca", "annotator_importrecord", "job_id"),
    ),
    (
        ("sentence", "article", "annotator.article", "sentences"),
        ("annotator_sentence_article_id_fd58174f", "annotator_sentence", "article_id"),
    ),
    (
        ("storysentence", "story", "annotator.story", "passages"),
        ("sources_storysentence_story_id_6f524828", "sources_storysentence", "story_id"),
    ),
]


class Migration(migrations.Migration):
    dependencies = [("annotator", "0014_claimtag_claim_votes_order")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name=model_name,
                    name=name,
                    field=models.ForeignKey(
                        to, on_delete=models.CASCADE, related_name=related, db_index=False
                    ),
                )
                for (model_name, name, to, related), _ in DROPPED
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
                )
                for _, (index, table, column) in DROPPED
            ],
        )
    ]
