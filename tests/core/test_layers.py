"""Imports point down the layers: an app may import its own layer and the layers below it, never
one above. Every module under apps/ is parsed (no import is executed), and every import counts:
at module level, deferred inside a function, and ``import_module("apps.…")`` by name.

The layers follow what the apps are: core is plumbing; accounts and audit (people and the log
of what they did) lean on each other; tenants are the park and its enterprises; tasks records
background runs per tenant; metadata the templates; enterprise_data the restricted values each
enterprise keeps in its own schema, beneath the registry that writes them; identifiers the
registry; then what is built on the registry: resolution, sync with the upstream node, imports,
reports, build cases, billing, webhooks; terminals (devices that authenticate with their
identifier); the workbench that reads them all; BID mapping and trusted evidence on top. Cards
on the park's workbench are registered in core (apps.core.dashboard), so any layer can add one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

APPS = Path(__file__).resolve().parents[2] / "apps"

LAYERS: list[set[str]] = [
    {"core"},
    {"accounts", "audit"},
    {"tenants"},
    {"tasks"},
    {"metadata"},
    {"enterprise_data"},
    {"identifiers"},
    {"resolution"},
    {"sync"},
    {"imports"},
    {"reports"},
    {"buildcases"},
    {"billing"},
    {"webhooks"},
    {"terminals"},
    {"workbench"},
    # BID mapping: built on the registry and terminals (a credential key as a BID key); it adds its
    # card to the workbench through the workbench's registry
    {"bid"},
    # trusted evidence: its log key is a verification method of the park's BID document
    # (apps.bid.registry); its evidence codes are identifiers registered through the registry
    {"evidence"},
]

# Upward imports the code still has: (module, app it imports) → why it is not untangled yet.
# An entry goes when its import goes (test_known_upward_imports_still_exist says so); none is added
# to make a new import pass.
KNOWN_UPWARD: dict[tuple[str, str], str] = {
    ("core/admin.py", "accounts"): "the park admin site's login form; the site belongs to the project",
    ("core/admin.py", "audit"): "the admin site audits its changes with audit_write",
    ("core/context_processors.py", "accounts"): "the page header's memberships (project-level glue)",
    ("core/context_processors.py", "tenants"): "the page header's park and enterprise",
    ("core/navigation.py", "accounts"): "the menu reads the user's roles",
    ("audit/selectors.py", "tenants"): "the audit log's tenant filter lists enterprises by name",
    (
        "tenants/services.py",
        "identifiers",
    ): "approving, suspending, resuming an enterprise acts on its prefixes",
    ("tenants/services.py", "sync"): "approval queues the prefix application; upstream data completes it",
    ("tenants/views.py", "identifiers"): "the enterprise page's prefix actions",
    ("metadata/exchange.py", "identifiers"): "a template's SNMS prefix is its owner's prefix",
    ("sync/adapters.py", "reports"): "the national filing is built by reports and sent by sync",
    ("sync/selectors.py", "reports"): "the filing page reads the stored report",
    ("sync/views.py", "reports"): "the filing page builds the national filing",
    ("reports/selectors.py", "buildcases"): "the monthly report's build-case section",
}

_MODULE_NAME = re.compile(r"apps(\.[a-z_][a-z0-9_]*)+")


def rank_of(app: str) -> int | None:
    for rank, layer in enumerate(LAYERS):
        if app in layer:
            return rank
    return None


def app_names() -> list[str]:
    return sorted(p.name for p in APPS.iterdir() if (p / "__init__.py").exists())


def modules() -> list[Path]:
    return sorted(p for p in APPS.rglob("*.py") if "migrations" not in p.relative_to(APPS).parts)


def imported_apps(path: Path, root: Path = APPS) -> list[tuple[int, str]]:
    """(line, app) of every app ``path`` (a module under ``root``) imports, at any depth."""
    package = ["apps", *path.relative_to(root).parent.parts]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names = [f"{module}.{alias.name}" for alias in node.names] if module == "apps" else [module]
        elif isinstance(node, ast.Call) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                if _MODULE_NAME.fullmatch(first.value):  # import_module("apps.x.y") and the like
                    names = [first.value]
        for name in names:
            parts = name.split(".")
            if len(parts) > 1 and parts[0] == "apps":
                found.append((node.lineno, parts[1]))
    return found


def upward_imports() -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for path in modules():
        module = path.relative_to(APPS).as_posix()
        app = module.split("/", 1)[0]
        own = rank_of(app)
        if own is None:
            continue
        for line, target in imported_apps(path):
            target_rank = rank_of(target)
            if target != app and target_rank is not None and target_rank > own:
                found.setdefault((module, target), []).append(f"apps/{module}:{line}")
    return found


def test_every_app_has_a_layer():
    unplaced = [app for app in app_names() if rank_of(app) is None]
    assert not unplaced, f"place these apps in LAYERS (tests/core/test_layers.py): {unplaced}"
    assert not {app for layer in LAYERS for app in layer} - set(app_names()), (
        "LAYERS names an app that is gone"
    )


def test_imports_point_down():
    new = {key: lines for key, lines in upward_imports().items() if key not in KNOWN_UPWARD}
    assert not new, (
        "imports of a higher layer (move the code down, or have the higher app call it):\n"
        + "\n".join(
            f"  {line} imports apps.{target}"
            for (_module, target), lines in sorted(new.items())
            for line in lines
        )
    )


def test_known_upward_imports_still_exist():
    gone = sorted(set(KNOWN_UPWARD) - set(upward_imports()))
    assert not gone, f"no longer imported upward, remove from KNOWN_UPWARD: {gone}"


def test_the_checker_sees_deferred_relative_and_named_imports(tmp_path):
    module = APPS / "tenants" / "selectors.py"
    source = module.read_text(encoding="utf-8")
    assert "apps.sync" not in source  # the import this test was written for (issue 12) is gone
    sample = tmp_path / "apps" / "tenants" / "sample.py"
    sample.parent.mkdir(parents=True)
    sample.write_text(
        "from importlib import import_module\n"
        "from . import models\n"
        "def f():\n"
        "    from apps.sync.services import prefix_sync_enqueue\n"
        "    import apps.reports.filing\n"
        "    return import_module('apps.buildcases.steps')\n",
        encoding="utf-8",
    )
    assert sorted(imported_apps(sample, root=tmp_path / "apps")) == [
        (2, "tenants"),
        (4, "sync"),
        (5, "reports"),
        (6, "buildcases"),
    ]
