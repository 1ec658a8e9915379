"""The shape DESIGN.md asks for: dependencies run downwards, and pages reach data only through selectors."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "childshield"

# Lower numbers sit lower; an app may import apps below it, never above or beside it.
LAYERS = {
    "core": 0,
    # audit refers to users and agencies by string and imports no app, so every app may record events.
    "audit": 1,
    "accounts": 2,
    "places": 3,
    "hashing": 3,
    "intake": 4,
    # The services directory: counsellors find help with it and case workers refer to it.
    "directory": 4,
    "learning": 4,
    "hotline": 5,
    "cases": 5,
    "platforms": 6,
    "helpline": 6,
    "insights": 7,
    "demo": 8,
}


def _modules(app: str) -> list[Path]:
    return [path for path in (PACKAGE / app).rglob("*.py") if "migrations" not in path.parts]


def _imported_apps(path: Path) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "childshield" and len(parts) > 1 and parts[1] in LAYERS:
                apps.add(parts[1])
    return apps


def test_every_app_has_a_layer():
    apps = {path.name for path in PACKAGE.iterdir() if (path / "apps.py").exists()}
    assert apps <= set(LAYERS), apps - set(LAYERS)


@pytest.mark.parametrize("app", [app for app in LAYERS if (PACKAGE / app).exists()])
def test_an_app_imports_only_apps_below_it(app):
    wrong = {
        f"{path.relative_to(PACKAGE)} imports {other}"
        for path in _modules(app)
        for other in _imported_apps(path)
        if other != app and LAYERS[other] >= LAYERS[app]
    }
    assert not wrong, sorted(wrong)


def test_views_and_apis_never_query_models_directly():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name not in {"views.py", "api.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not offenders, f"use a selector (reads) or a service (writes) instead: {offenders}"
