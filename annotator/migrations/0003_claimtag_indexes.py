"""Indexes for the outlet figures (sources.framing): the sentences whose tags name given
outlets, and each claim's votes read from an index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotator", "0002_adjudication"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="claimtag",
            index=models.Index(fields=["outlet", "sentence"], name="claimtag_outlet_sentence"),
        ),
        migrations.AddIndex(
            model_name="claimtag",
            index=models.Index(
                fields=["sentence", "start", "end", "outlet", "label", "reviewer", "cited_source"],
                name="claimtag_claim_votes",
            ),
        ),
    ]
