"""An index on sentences covering what the outlet figures read of each (article, section,
offsets), on PostgreSQL only: SQLite has no INCLUDE, and Django would create it there as
a plain index on the id, which the rowid already is. The model declares it (Meta.indexes)
so that its state matches."""

from django.db import migrations, models

INDEX = models.Index(
    fields=["id"], include=["article", "section", "start", "end"], name="sentence_place"
)


def add(apps, schema_editor):
    if schema_editor.connection.features.supports_covering_indexes:
        schema_editor.add_index(apps.get_model("annotator", "Sentence"), INDEX)


def remove(apps, schema_editor):
    if schema_editor.connection.features.supports_covering_indexes:
        schema_editor.remove_index(apps.get_model("annotator", "Sentence"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("annotator", "0011_stories_move")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="sentence", index=INDEX)],
            database_operations=[migrations.RunPython(add, remove)],
        )
    ]
