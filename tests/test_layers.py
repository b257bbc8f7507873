"""The apps depend one way: core <- sources <- annotator <- classroom <- framing, and
suggestions beside framing at the top. A lower layer that needs a higher one asks
through `core.hooks` (the workspace's assignment, the label suggester); it never
imports it. These tests read every module's imports (with ast, so imports inside
functions count too) and fail on any that goes upward."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each app and the apps it may import (itself included).
MAY_IMPORT = {
    "core": {"core"},
    "sources": {"core", "sources"},
    "annotator": {"core", "sources", "annotator"},
    "classroom": {"core", "sources", "annotator", "classroom"},
    "framing": {"core", "sources", "annotator", "classroom", "framing"},
    "suggestions": {"core", "sources", "annotator", "classroom", "suggestions"},
}
APPS = set(MAY_IMPORT) | {"config"}


def imported_modules(source: str, package: str) -> list[tuple[int, str]]:
    """(line, dotted name) of every module `source` imports, relative imports resolved
    against `package` (the dotted name of the package the file is in)."""
    found = []
    package = package.split(".")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


def upward_imports(path: Path, source: str) -> list[str]:
    """The imports of the module at `path` (relative to the repository) that go up."""
    package = path.parent.parts
    app = package[0]
    problems = []
    for line, name in imported_modules(source, ".".join(package)):
        target = name.split(".")[0]
        if target in APPS and target not in MAY_IMPORT[app]:
            problems.append(f"{path}:{line}: {app} imports {name}")
    return problems


def app_modules() -> list[Path]:
    return sorted(
        path.relative_to(ROOT) for app in MAY_IMPORT for path in (ROOT / app).rglob("*.py")
    )


def test_no_app_imports_a_layer_above_it():
    modules = app_modules()
    assert len(modules) > 100  # the walk reached the apps
    problems = [p for path in modules for p in upward_imports(path, (ROOT / path).read_text())]
    assert problems == []


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("core/api/errors.py", "from annotator.services.articles import ArticleHasTags\n"),
        ("sources/api/views.py", "from annotator.api import serializers\n"),
        ("annotator/views/articles.py", "def f():\n    import classroom.models\n"),
        ("annotator/export/labelstudio.py", "from suggestions.selectors import suggestions\n"),
        ("classroom/selectors/results.py", "from framing.selectors import framing\n"),
        ("suggestions/cues.py", "from framing.selectors.framing import is_vague\n"),
    ],
)
def test_it_catches_an_upward_import(path, source):
    assert upward_imports(Path(path), source)


def test_it_allows_downward_imports():
    source = "from core import hooks\nfrom annotator.models import Label\nfrom .. import cues\n"
    assert upward_imports(Path("suggestions/selectors/corpus.py"), source) == []


def test_it_resolves_relative_imports_inside_their_app():
    assert imported_modules("from ..models import Label\n", "annotator.selectors") == [
        (1, "annotator.models")
    ]
