"""The shape docs/architecture.md asks for: dependencies run downwards, pages reach data only through
selectors, one way to do each thing, and modules small enough to read.

An app depends on another when its Python imports it, names one of its URLs ("cases:case_detail") or
models ("cases.Case") in a string, names one of its templates, or when its templates include, extend,
link to ({% url %}) or load the template tags of the other app. Templates in childshield/templates/
are shared and sit in core's layer.
"""

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "childshield"

# Lower numbers sit lower; an app may depend on apps below it, never above or beside it.
LAYERS = {
    "core": 0,
    # audit refers to users and agencies by string and imports no app, core included, so every app
    # may record events, the outbox too.
    "audit": 0,
    # The outbox: every side effect, written in the change's transaction; imports only core and audit.
    "outbox": 1,
    "accounts": 2,
    "places": 3,
    "hashing": 3,
    "intake": 4,
    # The services directory: counsellors find help with it and case workers refer to it.
    "directory": 4,
    # Hash exchanges (StopNCII, NCMEC, ThreatExchange): their hashes into hashing's banks, and back.
    "exchanges": 4,
    # Training, the awareness library and posters: posters link to the report form, so above intake.
    "learning": 5,
    "hotline": 5,
    "cases": 5,
    # Chat channels: conversations on Telegram, Messenger, Zalo and SMS become intake's reports.
    "messaging": 5,
    "platforms": 6,
    "helpline": 6,
    "insights": 7,
    "demo": 8,
    # Backups and their restore: every app's tables and stored files, read through the app registry.
    "operations": 8,
}

# The app that owns the shared templates (childshield/templates/).
SHARED_TEMPLATES_APP = "core"
MAX_MODULE_LINES = 700


@dataclass(frozen=True)
class Dependency:
    source: str  # the file, relative to the package
    app: str  # the app depended on
    via: str  # how, as written in the file

    def __str__(self) -> str:
        return f"{self.source}: {self.via} -> {self.app}"


# What the running project knows: URL namespaces, URL names and model labels, each with its app ---------


def _app_of_module(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "childshield" and parts[1] in LAYERS else None


def _view_module(callback: object) -> str:
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    return str(getattr(view_class or callback, "__module__", ""))


@cache
def url_names() -> dict[str, str]:
    """Every namespaced URL name ("cases:case_detail") with the app whose views serve it.

    A namespace belongs to the app of its views, not to where it is mounted: the audit log's
    namespace is served by accounts' view."""
    from django.urls import URLPattern, URLResolver, get_resolver

    names: dict[str, str] = {}

    def walk(patterns: list[object], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}".strip(":") if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and namespace and pattern.name:
                owner = _app_of_module(_view_module(pattern.callback))
                if owner:
                    names[f"{namespace}:{pattern.name}"] = owner

    walk(get_resolver().url_patterns, "")
    return names


@cache
def url_namespaces() -> dict[str, str]:
    namespaces: dict[str, set[str]] = {}
    for name, app in url_names().items():
        namespaces.setdefault(name.rsplit(":", 1)[0], set()).add(app)
    shared = {namespace: apps for namespace, apps in namespaces.items() if len(apps) > 1}
    assert not shared, f"a URL namespace should be served by one app: {shared}"
    return {namespace: apps.pop() for namespace, apps in namespaces.items()}


@cache
def model_labels() -> dict[str, str]:
    """Every model label, as written ("cases.Case") and in lower case, with the app that defines it."""
    from django.apps import apps

    labels: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        app = _app_of_module(model._meta.app_config.name)
        if app:
            labels[model._meta.label] = app
            labels[model._meta.label_lower] = app
    return labels


# Reading the files -----------------------------------------------------------------------------------


def python_modules(app: str, package: Path = PACKAGE) -> list[Path]:
    return sorted(path for path in (package / app).rglob("*.py") if "migrations" not in path.parts)


def template_files(app: str, package: Path = PACKAGE) -> list[Path]:
    folders = [package / app / "templates"]
    if app == SHARED_TEMPLATES_APP:
        folders.append(package / "templates")
    return sorted(path for folder in folders for path in folder.rglob("*") if path.is_file())


def template_owner(name: str, package: Path = PACKAGE) -> str | None:
    """The app whose folders hold template `name`; the shared folder is looked in first, as Django does."""
    if (package / "templates" / name).is_file():
        return SHARED_TEMPLATES_APP
    for app in LAYERS:
        if (package / app / "templates" / name).is_file():
            return app
    return None


def tag_library_owner(library: str, package: Path = PACKAGE) -> str | None:
    for app in LAYERS:
        if (package / app / "templatetags" / f"{library}.py").is_file():
            return app
    return None


TEMPLATE_NAME = re.compile(r"^[\w./-]+\.(html|txt|xml)$")
INCLUDE = re.compile(r"""\{%\s*(include|extends)\s+(["'])([^"']+)\2""")
URL_TAG = re.compile(r"""\{%\s*url\s+(["'])([\w-]+):([\w-]+)\1""")
LOAD = re.compile(r"""\{%\s*load\s+(.+?)\s*%\}""")


def _python_dependencies(path: Path, package: Path) -> Iterator[Dependency]:
    source = str(path.relative_to(package))
    names, labels = url_names(), model_labels()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules = [node.module]
        for module in modules:
            app = _app_of_module(module)
            if app:
                yield Dependency(source, app, f"imports {module}")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
            if value in names:
                yield Dependency(source, names[value], f"names the URL {value!r} (line {node.lineno})")
            if value in labels:
                yield Dependency(source, labels[value], f"names the model {value!r} (line {node.lineno})")
            owner = template_owner(value, package) if TEMPLATE_NAME.match(value) else None
            if owner:
                yield Dependency(source, owner, f"names the template {value!r} (line {node.lineno})")


def _template_dependencies(path: Path, package: Path) -> Iterator[Dependency]:
    source = str(path.relative_to(package))
    text = path.read_text(encoding="utf-8")
    namespaces = url_namespaces()

    def line(match: re.Match[str]) -> int:
        return text.count("\n", 0, match.start()) + 1

    for match in INCLUDE.finditer(text):
        owner = template_owner(match.group(3), package)
        if owner:
            yield Dependency(
                source, owner, f"{{% {match.group(1)} {match.group(3)!r} %}} (line {line(match)})"
            )
    for match in URL_TAG.finditer(text):
        namespace = match.group(2)
        if namespace in namespaces:
            yield Dependency(
                source,
                namespaces[namespace],
                f"{{% url '{namespace}:{match.group(3)}' %}} (line {line(match)})",
            )
    for match in LOAD.finditer(text):
        words = match.group(1).split()
        libraries = words[words.index("from") + 1 :] if "from" in words else words
        for library in libraries:
            owner = tag_library_owner(library, package)
            if owner:
                yield Dependency(source, owner, f"{{% load {library} %}} (line {line(match)})")


def dependencies(app: str, package: Path = PACKAGE) -> list[Dependency]:
    """Everything in `app` that names another app, in Python and in templates."""
    found = [dep for path in python_modules(app, package) for dep in _python_dependencies(path, package)]
    found += [dep for path in template_files(app, package) for dep in _template_dependencies(path, package)]
    return [dep for dep in found if dep.app != app]


def wrong_dependencies(app: str, package: Path = PACKAGE) -> list[str]:
    return sorted({str(dep) for dep in dependencies(app, package) if LAYERS[dep.app] >= LAYERS[app]})


# Layers ----------------------------------------------------------------------------------------------


def test_every_app_has_a_layer():
    apps = {path.name for path in PACKAGE.iterdir() if (path / "apps.py").exists()}
    assert apps <= set(LAYERS), apps - set(LAYERS)


@pytest.mark.parametrize("app", [app for app in LAYERS if (PACKAGE / app).exists()])
def test_an_app_depends_only_on_apps_below_it(app):
    wrong = wrong_dependencies(app)
    assert not wrong, f"{app} (layer {LAYERS[app]}) depends on apps beside or above it:\n" + "\n".join(wrong)


def test_every_url_namespace_and_model_belongs_to_an_app_with_a_layer():
    """If these came back empty the layer test would look at templates and strings and see nothing."""
    assert {"cases", "helpline", "hotline", "accounts", "public"} <= set(url_namespaces())
    assert url_namespaces()["cases"] == "cases"
    assert url_namespaces()["audit"] == "accounts"  # the audit log page is accounts' view
    assert model_labels()["cases.Case"] == "cases"
    assert model_labels()["hotline.contentitem"] == "hotline"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_checker_reports_every_kind_of_upward_dependency(tmp_path):
    """A small package where directory (layer 4) reaches up to cases and helpline in every way
    there is, and down to core and accounts in the same ways, which is allowed."""
    package = tmp_path / "childshield"
    _write(package / "cases" / "templates" / "cases" / "_panel.html", "<p>a case</p>")
    _write(package / "cases" / "templatetags" / "case_tags.py", "")
    _write(package / "templates" / "includes" / "field.html", "{{ field }}")
    _write(package / "core" / "templatetags" / "language_links.py", "")
    _write(
        package / "directory" / "templates" / "directory" / "page.html",
        '{% extends "cases/_panel.html" %}\n'
        "{% load i18n case_tags %}\n"
        '{% include "cases/_panel.html" %}\n'
        "<a href=\"{% url 'helpline:queue' %}\">queue</a>\n"
        '{% load language_links %}{% include "includes/field.html" %}'
        "<a href=\"{% url 'accounts:home' %}\">home</a>\n",
    )
    _write(
        package / "directory" / "models.py",
        "from django.db import models\n"
        "from childshield.cases import selectors\n"
        "from childshield.core.fields import EncryptedTextField\n"
        "class Resource(models.Model):\n"
        '    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE)\n'
        '    owner = models.ForeignKey("accounts.User", on_delete=models.CASCADE)\n',
    )
    _write(
        package / "directory" / "views.py",
        "from django.shortcuts import redirect, render\n"
        "def page(request):\n"
        '    render(request, "cases/_panel.html")\n'
        '    return redirect("cases:case_list")\n',
    )
    _write(package / "templates" / "public" / "home.html", '{% include "cases/_panel.html" %}')

    wrong = wrong_dependencies("directory", package)
    expected = [
        "directory/templates/directory/page.html: {% extends 'cases/_panel.html' %} (line 1) -> cases",
        "directory/templates/directory/page.html: {% load case_tags %} (line 2) -> cases",
        "directory/templates/directory/page.html: {% include 'cases/_panel.html' %} (line 3) -> cases",
        "directory/templates/directory/page.html: {% url 'helpline:queue' %} (line 4) -> helpline",
        "directory/models.py: imports childshield.cases -> cases",
        "directory/models.py: names the model 'cases.Case' (line 5) -> cases",
        "directory/views.py: names the template 'cases/_panel.html' (line 3) -> cases",
        "directory/views.py: names the URL 'cases:case_list' (line 4) -> cases",
    ]
    assert sorted(wrong) == sorted(expected)
    # A shared template is core's: it may not include an app's.
    assert wrong_dependencies("core", package) == [
        "templates/public/home.html: {% include 'cases/_panel.html' %} (line 1) -> cases"
    ]


# Pages reach data through selectors and services ------------------------------------------------------


def _is_page_module(path: Path) -> bool:
    """Views and APIs, as modules (views.py, api.py) or as packages (views/, api/)."""
    parts = [*path.relative_to(PACKAGE).parent.parts, path.stem]
    return any(part in {"views", "api"} for part in parts)


def _is_form_module(path: Path) -> bool:
    parts = [*path.relative_to(PACKAGE).parent.parts, path.stem]
    return any(part in {"forms", "serializers"} for part in parts)


def _direct_queries(path: Path, *, placeholders_allowed: bool) -> list[str]:
    """`Model.objects...`, `Model._default_manager`, and `get_object_or_404(Model, ...)` over a model
    class imported from a models module (over a selector's queryset it is fine)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    models = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[-1] == "models"
        for alias in node.names
    }
    where = str(path.relative_to(PACKAGE))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"objects", "_default_manager"}:
            parent = parents.get(node)
            # A form field's `queryset=Model.objects.none()` is a placeholder the view fills from a selector.
            if placeholders_allowed and isinstance(parent, ast.Attribute) and parent.attr == "none":
                continue
            found.append(f"{where}:{node.lineno} {ast.unparse(node)}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"get_object_or_404", "get_list_or_404"}
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in models
        ):
            found.append(f"{where}:{node.lineno} {node.func.id}({node.args[0].id}, ...)")
    return found


def test_views_and_apis_never_query_models_directly():
    pages = [
        path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts and _is_page_module(path)
    ]
    assert any(path.name == "views.py" or path.parent.name == "views" for path in pages)
    offenders = [found for path in pages for found in _direct_queries(path, placeholders_allowed=False)]
    assert not offenders, "use a selector (reads) or a service (writes) instead:\n" + "\n".join(offenders)


def test_forms_and_serializers_never_query_models_directly():
    modules = [
        path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts and _is_form_module(path)
    ]
    offenders = [found for path in modules for found in _direct_queries(path, placeholders_allowed=True)]
    assert not offenders, "give the form its choices from a selector instead:\n" + "\n".join(offenders)


def test_the_query_check_sees_views_and_apis_that_became_packages(tmp_path, monkeypatch):
    package = tmp_path / "childshield"
    _write(
        package / "cases" / "views" / "referrals.py", "def page(request):\n    return Case.objects.all()\n"
    )
    _write(package / "cases" / "api" / "__init__.py", '"""The cases API."""\n')
    _write(package / "cases" / "selectors" / "cases.py", "def case_list():\n    return Case.objects.all()\n")
    monkeypatch.setattr(f"{__name__}.PACKAGE", package)
    pages = sorted(str(path.relative_to(package)) for path in package.rglob("*.py") if _is_page_module(path))
    assert pages == ["cases/api/__init__.py", "cases/views/referrals.py"]
    assert _direct_queries(package / "cases" / "views" / "referrals.py", placeholders_allowed=False) == [
        "cases/views/referrals.py:2 Case.objects"
    ]


# Side effects go through the outbox ------------------------------------------------------------------

# Handing work to the broker (`task.delay`, `task.apply_async`) or to a commit callback
# (`transaction.on_commit`) can lose it; apps write an outbox item instead (docs/architecture.md,
# "The outbox"). The outbox's own best-effort kick is the one place allowed to do either.
SIDE_EFFECT_ATTRIBUTES = {"delay", "apply_async", "on_commit"}
SIDE_EFFECT_ALLOWED = {"outbox/kicks.py"}


def side_effects_outside_the_outbox(package: Path = PACKAGE) -> list[str]:
    """Every reference to .delay, .apply_async or .on_commit (called, or passed to partial()) outside
    the outbox's kick."""
    found = []
    for path in sorted(path for path in package.rglob("*.py") if "migrations" not in path.parts):
        where = path.relative_to(package).as_posix()
        if where in SIDE_EFFECT_ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in SIDE_EFFECT_ATTRIBUTES:
                found.append(f"{where}:{node.lineno} {ast.unparse(node)}")
    return found


def test_side_effects_go_through_the_outbox():
    offenders = side_effects_outside_the_outbox()
    assert not offenders, (
        "write an outbox item in the transaction (outbox.services.outbox_enqueue or email_enqueue), "
        "or kick a task whose work a durable record keeps (outbox.kicks.kick_on_commit):\n"
        + "\n".join(offenders)
    )


def test_the_side_effect_check_sees_calls_and_references(tmp_path):
    package = tmp_path / "childshield"
    _write(
        package / "cases" / "services" / "referrals.py",
        "from functools import partial\n"
        "def tell(task, send):\n"
        "    transaction.on_commit(lambda: task.delay(1))\n"
        "    transaction.on_commit(partial(send.apply_async, args=[1]))\n",
    )
    _write(package / "outbox" / "kicks.py", "def kick(task):\n    task.apply_async(retry=False)\n")
    assert sorted(side_effects_outside_the_outbox(package)) == [
        "cases/services/referrals.py:3 task.delay",
        "cases/services/referrals.py:3 transaction.on_commit",
        "cases/services/referrals.py:4 send.apply_async",
        "cases/services/referrals.py:4 transaction.on_commit",
    ]


# One way to do each thing, and modules small enough to read -------------------------------------------


def _package_modules() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts)


def test_no_module_is_over_700_lines():
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in _package_modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"split these by sub-domain (lines): {long}"


def test_settings_are_read_directly_and_only_declared_in_settings():
    """Every setting is declared in childshield/settings/ with its type; a default hidden in
    getattr(settings, ...) is a second place where a setting is decided."""
    offenders = []
    for path in _package_modules():
        if path.relative_to(PACKAGE).parts[0] == "settings":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"getattr", "hasattr"}
                and node.args
                and ast.unparse(node.args[0]).split(".")[-1].endswith("settings")
            ):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {ast.unparse(node)}")
    assert not offenders, "read settings.NAME directly:\n" + "\n".join(offenders)


def test_staff_pages_use_staff_view_not_an_acting_helper():
    offenders = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}"
        for path in _package_modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "_acting"
    ]
    assert not offenders, "use @staff_view(perm) and request.membership instead of _acting():\n" + "\n".join(
        offenders
    )


def test_the_acting_membership_needs_no_type_ignore():
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in _package_modules()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "request.membership" in line and "# type: ignore" in line
    ]
    assert not offenders, "type the request as StaffRequest, or use acting_membership():\n" + "\n".join(
        offenders
    )


OLD_DESIGN_DOCUMENT = "DESIGN.md"
SEARCHED = ["childshield", "tests", "docs", "bench", "README.md", "Makefile", "pyproject.toml"]


def test_nothing_refers_to_the_design_document_by_its_old_name():
    """The design lives in the repository as docs/architecture.md; DESIGN.md was never in it."""
    this_file = Path(__file__).resolve()
    files = []
    for entry in SEARCHED:
        path = ROOT / entry
        files += [path] if path.is_file() else sorted(path.rglob("*")) if path.is_dir() else []
    offenders = []
    for path in files:
        if not path.is_file() or path.resolve() == this_file or "__pycache__" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # images, compiled messages
        offenders += [
            f"{path.relative_to(ROOT)}:{number}"
            for number, line in enumerate(text.splitlines(), start=1)
            if OLD_DESIGN_DOCUMENT in line
        ]
    assert not offenders, "refer to docs/architecture.md instead:\n" + "\n".join(offenders)
