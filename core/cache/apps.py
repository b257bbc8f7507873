from __future__ import annotations

from django.apps import AppConfig


class CacheConfig(AppConfig):
    name = "core.cache"
    label = "annotator_cache"
    verbose_name = "Shared cache"
