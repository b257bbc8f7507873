from __future__ import annotations

from django.apps import AppConfig


class CacheConfig(AppConfig):
    name = "annotator.cache"
    label = "annotator_cache"
    verbose_name = "Shared cache"
