"""The project's shape, checked: which app may depend on which, and where each kind of module lives.

docs/architecture.md explains the rules; this file makes them fail loudly when broken.
"""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. A domain module may import its own app and the apps before it, never one after.
LAYERS = ("salesops", "customers", "opportunities", "receivables", "orders", "reports")
RANK = {name: rank for rank, name in enumerate(LAYERS)}
DOMAIN_APPS = LAYERS[1:]

# Entry points and pages: they may read (and call) any app. Everything else is domain code.
PAGE_MODULES = re.compile(
    r"(^|/)(views|urls|admin|forms|filters|apps)(\.py$|/)|(^|/)(templatetags|management|migrations)/"
)
# The project's composition root names every app on purpose (settings, root URLconf, Celery app,
# beat schedule, WSGI/ASGI entry points).
COMPOSITION_ROOT = {
    "salesops/urls.py",
    "salesops/celery.py",
    "salesops/schedules.py",
    "salesops/wsgi.py",
    "salesops/asgi.py",
}
# A dotted path to another app as a string ("receivables.imports.plan", "receivables.tasks:x").
DOTTED = re.compile(rf"^({'|'.join(LAYERS)})\.[a-z_]+[.:][a-z_]")


def app_of(path: str) -> str:
    return path.split("/", 1)[0]


def python_files():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix()


def domain_files():
    for path in python_files():
        if path in COMPOSITION_ROOT or path.startswith("salesops/settings/"):
            continue
        if PAGE_MODULES.search(path):
            continue
        yield path


def imported_apps(path: str):
    """(line, app) for every app a module names: imports anywhere in it (also inside functions)
    and dotted-path strings handed to import_module or Celery."""
    tree = ast.parse((ROOT / path).read_text(), filename=path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = DOTTED.match(node.value)
            if match:
                yield node.lineno, match.group(1)


def upward_imports(path: str) -> list[str]:
    own = RANK[app_of(path)]
    return [
        f"{path}:{line} imports {app}"
        for line, app in imported_apps(path)
        if app in RANK and RANK[app] > own
    ]


def test_domain_modules_never_import_a_higher_app():
    violations = [v for path in domain_files() for v in upward_imports(path)]
    assert violations == []


def reverse_names(app: str) -> set[str]:
    """Accessor and query names by which app's models reach a higher app's models backwards
    (customer.opportunities, Customer.objects.filter(receivables__...))."""
    names = set()
    for model in django_apps.get_app_config(app).get_models():
        for field in model._meta.get_fields(include_hidden=True):
            if not (field.auto_created and field.is_relation and not field.concrete):
                continue
            target = field.related_model._meta.app_label
            if target in RANK and RANK[target] > RANK[app]:
                names.add(field.get_accessor_name())
                names.add(field.name)
    names.discard(None)
    return names


def reverse_reaches(path: str) -> list[str]:
    """A lower app's code walking a relation backwards into a higher app's tables is the same
    dependency as an import, only hidden."""
    app = app_of(path)
    if app == "salesops" or app not in RANK:
        return []
    names = reverse_names(app)
    found = []
    for node in ast.walk(ast.parse((ROOT / path).read_text(), filename=path)):
        if isinstance(node, ast.Attribute) and node.attr in names:
            found.append((node.lineno, node.attr))
        elif isinstance(node, ast.keyword) and node.arg and node.arg.split("__")[0] in names:
            found.append((node.lineno, node.arg))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and "__" in node.value
            and node.value.lstrip("-").split("__")[0] in names
        ):
            found.append((node.lineno, node.value))
    return [f"{path}:{line} reaches back through {name}" for line, name in found]


def test_domain_modules_never_reach_a_higher_app_through_a_reverse_relation():
    violations = [v for path in domain_files() for v in reverse_reaches(path)]
    assert violations == []


def test_the_checker_sees_imports_inside_functions_and_dotted_strings(tmp_path, monkeypatch):
    """The test above must be able to fail: a customers module with a lazy import of receivables
    and a dotted string naming opportunities is reported twice. The probe lives in a scratch tree,
    never in the checkout, so a parallel worker listing customers/ never sees it."""
    for app in LAYERS:
        (tmp_path / app).mkdir()
    (tmp_path / "customers" / "views.py").write_text("from receivables.models import Receivable\n")
    (tmp_path / "customers" / "_architecture_probe.py").write_text(
        "def f():\n"
        "    from receivables.models import Receivable\n"
        "    return Receivable, 'opportunities.services.opportunity_update'\n"
    )
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert upward_imports("customers/_architecture_probe.py") == [
        "customers/_architecture_probe.py:2 imports receivables",
        "customers/_architecture_probe.py:3 imports opportunities",
    ]
    assert set(domain_files()) == {"customers/_architecture_probe.py"}


def test_model_relations_point_down_or_sideways():
    """A foreign key from a lower app's model to a higher app's would make the lower app's
    tables (and migrations) depend on the higher app."""
    violations = []
    for model in django_apps.get_models():
        label = model._meta.app_label
        if label not in RANK:
            continue
        for field in model._meta.get_fields(include_hidden=True):
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            target = field.related_model._meta.app_label
            if target in RANK and RANK[target] > RANK[label]:
                violations.append(f"{model.__name__}.{field.name} -> {target}")
    assert violations == []


def test_migrations_depend_only_on_lower_apps():
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    violations = []
    for (label, name), migration in loader.disk_migrations.items():
        if label not in RANK:
            continue
        for dep_label, dep_name in migration.dependencies:
            if dep_label in RANK and RANK[dep_label] > RANK[label]:
                violations.append(f"{label}.{name} depends on {dep_label}.{dep_name}")
    assert violations == []


# --- One module shape per app -------------------------------------------------------------------

# What a domain app may hold at its top level (a name ending in "/" is a package). Anything else
# has a home among these; docs/architecture.md says which.
APP_ENTRIES = {
    "__init__.py",
    "apps.py",
    "models.py",
    "models/",
    "querysets.py",
    "selectors.py",
    "selectors/",
    "services.py",
    "services/",
    "rules/",
    "jobs.py",
    "jobs/",
    "tasks.py",
    "signals.py",
    "receivers.py",
    "imports.py",
    "imports/",
    "exports.py",
    "exports/",
    "pdfs.py",
    "pdfs/",
    "catalog.py",  # reports: the list of reports (docs/reports.md, "Report framework")
    "demo.py",
    "dataset.py",
    "dataset/",
    "admin.py",
    "forms.py",
    "filters.py",
    "views.py",
    "views/",
    "urls.py",
    "templatetags/",
    "management/",
    "migrations/",
}
# A module over this many lines becomes a package of the same name.
MAX_MODULE_LINES = 400


def app_entries(app: str) -> set[str]:
    entries = set()
    for child in (ROOT / app).iterdir():
        if child.name == "__pycache__":
            continue
        entries.add(f"{child.name}/" if child.is_dir() else child.name)
    return entries


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_app_holds_only_the_agreed_modules(app):
    assert sorted(app_entries(app) - APP_ENTRIES) == []


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_no_module_outgrows_its_file(app):
    too_long = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        lines = len(path.read_text().splitlines())
        if lines > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(ROOT).as_posix()}: {lines} lines")
    assert too_long == []


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_rules_are_pure(app):
    """rules/ holds pure functions (figures from values): no ORM, no request, no settings, and no
    models, querysets, selectors or services of any app."""
    impure = []
    stateful = re.compile(
        rf"^\s*(from|import) (django\.(db|http|conf)|({'|'.join(LAYERS)})(\.\w+)*"
        rf"\.(models|querysets|selectors|services))\b",
        re.M,
    )
    for path in sorted((ROOT / app / "rules").glob("*.py")):
        for match in stateful.finditer(path.read_text()):
            impure.append(f"{path.relative_to(ROOT).as_posix()}: {match.group(0).strip()}")
    assert impure == []


# --- The project stands alone ---------------------------------------------------------------------

OUTSIDE_REFERENCES = re.compile(r"DOMAIN\.md|STYLE\.md|\.\./shared|\bseed 00\d|DOMAIN (gives|says)")
SKIPPED_DIRS = {".git", ".venv", ".tools", "node_modules", "var", "test-artifacts", "static"}


def project_text_files():
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in SKIPPED_DIRS or "__pycache__" in rel.parts or not path.is_file():
            continue
        if path.suffix in {".py", ".md", ".html", ".txt", ".toml", ".yml", ".yaml", ".js", ".css"}:
            yield rel.as_posix(), path


def test_code_and_docs_cite_nothing_outside_the_repository():
    """The business rules are written in docs/; a newcomer needs no file outside the repository."""
    this = Path(__file__).relative_to(ROOT).as_posix()
    citations = [
        f"{rel}:{number}"
        for rel, path in project_text_files()
        if rel != this
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if OUTSIDE_REFERENCES.search(line)
    ]
    assert citations == []
