"""Account: how an account was made. Existing accounts that signed up at the join page
(their first membership came with a join code within a minute of the account's
creation) are recorded as such, with an unverified e-mail; roster-made ones as the
teacher's; the rest (admin, commands) have no row, as new ones of theirs will not."""

from datetime import timedelta

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def record_origins(apps, schema_editor):
    Membership = apps.get_model("classroom", "Membership")
    Account = apps.get_model("classroom", "Account")
    seen = set()
    rows = Membership.objects.select_related("student").order_by("joined_at", "id")
    for membership in rows.iterator():
        student = membership.student
        if student.pk in seen:
            continue
        seen.add(student.pk)
        if abs(membership.joined_at - student.date_joined) > timedelta(minutes=1):
            continue  # an account that existed before it joined
        origin = "join_page" if membership.via == "code" else "roster"
        Account.objects.get_or_create(user_id=student.pk, defaults={"origin": origin})


class Migration(migrations.Migration):
    dependencies = [
        ("classroom", "0002_assignment_hints"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Account",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="account",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "origin",
                    models.CharField(
                        choices=[
                            ("join_page", "Signed up at the join page"),
                            ("roster", "Added by a teacher"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "email_verified",
                    models.BooleanField(
                        default=False,
                        help_text="The e-mail address is known to be the account owner's.",
                    ),
                ),
            ],
            options={
                "ordering": ["user"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("origin__in", ["join_page", "roster"])),
                        name="account_origin_valid",
                    )
                ],
            },
        ),
        migrations.RunPython(record_origins, migrations.RunPython.noop),
    ]
