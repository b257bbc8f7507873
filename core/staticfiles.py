"""The static files storage of production: hashed, compressed names (whitenoise), with
the imports between the app's own JavaScript modules rewritten to those hashed names.

Left as written, `import ... from "./state.js"` in a hashed `main.<hash>.js` would load
the unhashed `state.js`, which whitenoise serves without the long cache lifetime and
which, after a deploy, may not be the one its importer was written with. Django can
rewrite such imports (`support_js_module_import_aggregation`), but for every file,
and the scripts of some installed apps (django-htmx's extensions) import paths that
exist only in their own builds, which fails `collectstatic`: so only `annotator/`'s."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage

# Django's own pattern (HashedFilesMixin) for `import {a, b} from "./x.js";`.
MODULE_IMPORT = (
    r"""(?P<matched>import(?s:(?P<import>[\s\{].*?|\*\s*as\s*\w+))"""
    r"""\s*from\s*['"](?P<url>[./].*?)["']\s*;)""",
    """import%(import)s from "%(url)s";""",
)


class ModuleAwareStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """CompressedManifestStaticFilesStorage that also hashes the paths that the app's
    JavaScript modules (static/annotator/) import."""

    patterns = (
        *CompressedManifestStaticFilesStorage.patterns,
        ("annotator/*.js", (MODULE_IMPORT,)),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str, force: bool = False) -> str:
        """As Django's, remembered per name until the manifest is written again: a page
        asks for a dozen of these, and each took a manifest lookup and two URL joins
        (~15 µs; bench/workspace.py)."""
        if force:
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:
            url = self._urls[name] = super().url(name)
        return url

    def save_manifest(self) -> None:
        super().save_manifest()
        self._urls.clear()
