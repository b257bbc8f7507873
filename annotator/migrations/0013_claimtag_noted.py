"""The partial index of the tags that carry a note (core.db.workspace.others_tags)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotator", "0012_sentence_place"),
        ("sources", "0004_stories_move"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="claimtag",
            index=models.Index(
                condition=models.Q(("note", ""), _negated=True),
                fields=["sentence"],
                name="claimtag_noted",
            ),
        ),
    ]
