"""The cache table, as `manage.py createcachetable` would make it, and the counters that
`core.cache.count` bumps. Models so that a migration makes the tables, and so
that tests that empty the database empty them too."""

from __future__ import annotations

from django.db import models

from core.cache import COUNTER_TABLE, TABLE


class CacheEntry(models.Model):
    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = TABLE
        verbose_name_plural = "cache entries"

    def __str__(self) -> str:
        return self.cache_key


class Counter(models.Model):
    """A count that expires (a client's requests in one window of a rate)."""

    key = models.CharField(max_length=255, primary_key=True)
    count = models.BigIntegerField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = COUNTER_TABLE

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
