"""The cache table, as `manage.py createcachetable` would make it. A model so that a
migration makes it, and so that tests that empty the database empty it too."""

from __future__ import annotations

from django.db import models

from annotator.cache import TABLE


class CacheEntry(models.Model):
    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = TABLE
        verbose_name_plural = "cache entries"

    def __str__(self) -> str:
        return self.cache_key
