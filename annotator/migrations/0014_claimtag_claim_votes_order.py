"""claimtag_claim_votes with the cited source before the reviewer: everyone else's votes,
grouped by claim, outlet, label and cited source (core.db.workspace.others_tags), come
from the index in their groups' order, without a sort; the outlet figures read only the
claim's columns in order (core.db.framing)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotator", "0013_claimtag_noted"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="claimtag", name="claimtag_claim_votes"),
        migrations.AddIndex(
            model_name="claimtag",
            index=models.Index(
                fields=["sentence", "start", "end", "outlet", "label", "cited_source", "reviewer"],
                name="claimtag_claim_votes",
            ),
        ),
    ]
