"""`core` is the bottom layer: every app may import it, it imports none of them."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _project_apps() -> set[str]:
    return {config.name.split(".")[0] for config in apps.get_app_configs() if Path(config.path).parent == ROOT}


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_imports_no_app_of_the_desk():
    others = _project_apps() - {"core"}
    assert {"orders", "assignment", "feedback", "notifications"} <= others
    found = {
        str(path.relative_to(ROOT)): sorted(_imported(path) & others) for path in (ROOT / "core").rglob("*.py")
    }
    assert not {path: names for path, names in found.items() if names}
