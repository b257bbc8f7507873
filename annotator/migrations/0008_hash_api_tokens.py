"""API tokens move from DRF's authtoken table, where keys were stored as they are, to
django-rest-knox's, which stores a SHA-512 digest: every existing key keeps working
(until it expires, REST_KNOX's TOKEN_TTL from now), and the plain keys are deleted."""

import datetime as dt

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

OLD_TABLE = "authtoken_token"


def hash_existing_tokens(apps, schema_editor):
    from knox.crypto import hash_token
    from knox.settings import CONSTANTS

    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return  # a database made after the move
    AuthToken = apps.get_model("knox", "AuthToken")
    expiry = timezone.now() + settings.REST_KNOX["TOKEN_TTL"]
    quoted = schema_editor.quote_name(OLD_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "key", "user_id", "created" FROM {quoted}')
        rows = cursor.fetchall()
        AuthToken.objects.bulk_create(
            AuthToken(
                digest=hash_token(key),
                token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
                user_id=user_id,
                expiry=expiry,
            )
            for key, user_id, _ in rows
        )
        # auto_now_add set "created" to now; keep when each key was really made.
        for key, _, created in rows:
            if isinstance(created, str):
                created = parse_datetime(created)
            if created is not None:
                if timezone.is_naive(created):  # SQLite's raw rows: UTC, without a zone
                    created = timezone.make_aware(created, dt.timezone.utc)
                AuthToken.objects.filter(pk=hash_token(key)).update(created=created)
        cursor.execute(f"DELETE FROM {quoted}")


class Migration(migrations.Migration):
    dependencies = [
        ("annotator", "0007_tag_revision_seq"),
        ("knox", "0009_extend_authtoken_field"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(hash_existing_tokens, migrations.RunPython.noop)]
