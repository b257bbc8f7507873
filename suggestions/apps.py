from __future__ import annotations

from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    """Label suggestions: a cue layer and a learned layer over the claim labels, who sees
    them, their API and commands."""

    name = "suggestions"
    verbose_name = "Label suggestions"

    def ready(self) -> None:
        from annotator.selectors.suggestions import HOOK
        from core import hooks
        from suggestions.selectors import suggestions

        # The annotator's export and the class feedback ask for suggestions through
        # this hook, as they must not import this app.
        hooks.provide(HOOK, suggestions)
