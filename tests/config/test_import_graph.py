"""scripts/import_graph.py prints which apps import which and fails on a circle between apps; the project has none,
and no app imports the desk's pipeline."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "import_graph.py"


def graph_of(root: Path | None = None) -> subprocess.CompletedProcess:
    args = [sys.executable, str(SCRIPT)] + ([str(root)] if root else [])
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)


def test_the_apps_import_each_other_in_no_circle_and_none_imports_the_desk():
    run = graph_of()
    assert run.returncode == 0, run.stderr
    graph = dict(line.split(" → ") for line in run.stdout.splitlines())
    assert {"orders", "assignment", "notifications", "feedback", "desk"} <= graph.keys()
    assert [app for app, imported in graph.items() if "desk" in imported.split(", ")] == ["config"]


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_a_circle_between_apps_fails_naming_it_and_the_modules_that_make_it(tmp_path):
    root = write(
        tmp_path,
        {
            "shop/apps.py": "",
            "shop/services.py": "from stock.models import Item\n",
            "stock/apps.py": "",
            "stock/models.py": "def late():\n    import shop.services\n",
            "notes/apps.py": "",
            "notes/views.py": "import shop\n",
        },
    )
    run = graph_of(root)
    assert run.returncode == 1
    assert run.stdout.splitlines() == ["notes → shop", "shop → stock", "stock → shop"]
    assert "Import cycle between apps: shop → stock → shop" in run.stderr
    assert "shop → stock: shop/services.py" in run.stderr and "stock → shop: stock/models.py" in run.stderr


def test_migrations_and_tests_do_not_count_as_imports(tmp_path):
    root = write(
        tmp_path,
        {
            "shop/apps.py": "from . import stock_rules\n",
            "shop/migrations/0001_initial.py": "import stock\n",
            "shop/tests/test_shop.py": "import stock\n",
            "shop/test_utils.py": "import stock\n",
            "stock/apps.py": "import shop\n",
        },
    )
    run = graph_of(root)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["shop → (no app)", "stock → shop"]
