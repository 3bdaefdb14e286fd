"""The apps' import graph: each app and the apps it imports, read from the source (the AST of every module of the
project's apps but migrations and tests). Exits 1 when apps import each other in a circle, naming the circle and
the modules that make each of its steps.

    python scripts/import_graph.py [ROOT]    (ROOT: the project, by default this script's parent folder)
"""

import ast
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

SKIPPED = {"migrations", "tests", "__pycache__"}


def project_apps(root: Path) -> list[str]:
    """The folders of the project holding a Django app (an apps.py)."""
    return sorted(path.parent.name for path in root.glob("*/apps.py"))


def modules(root: Path, app: str) -> Iterator[Path]:
    for path in sorted((root / app).rglob("*.py")):
        parts = path.relative_to(root / app).parts
        if SKIPPED.isdisjoint(parts) and not path.name.startswith("test"):
            yield path


def imported_names(path: Path) -> set[str]:
    """The top-level packages a module imports (absolute imports only: a relative one stays in its app)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def import_graph(root: Path) -> dict[str, dict[str, list[str]]]:
    """app → {app it imports → the modules that import it}."""
    apps = project_apps(root)
    graph: dict[str, dict[str, list[str]]] = {app: defaultdict(list) for app in apps}
    for app in apps:
        for path in modules(root, app):
            for other in sorted(imported_names(path) & set(apps) - {app}):
                graph[app][other].append(str(path.relative_to(root)))
    return graph


def cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """One circle per group of apps that reach each other (Tarjan's strongly connected components), as a path
    that starts and ends at the same app."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        for other in graph[app]:
            if other not in index:
                visit(other)
                low[app] = min(low[app], low[other])
            elif other in stack:
                low[app] = min(low[app], index[other])
        if low[app] == index[app]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == app:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for app in sorted(graph):
        if app not in index:
            visit(app)
    return [_circle(graph, group) for group in groups]


def _circle(graph: dict[str, dict[str, list[str]]], group: list[str]) -> list[str]:
    """A shortest way round from the group's first app back to it, inside the group (breadth first)."""
    start = group[0]
    paths = [[start]]
    while paths:
        path = paths.pop(0)
        for other in sorted(graph[path[-1]]):
            if other == start:
                return [*path, start]
            if other in group and other not in path:
                paths.append([*path, other])
    raise AssertionError("a strongly connected group always has a circle")


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    graph = import_graph(root)
    for app in sorted(graph):
        print(f"{app} → {', '.join(sorted(graph[app])) or '(no app)'}")
    found = cycles(graph)
    for circle in found:
        print(f"\nImport cycle between apps: {' → '.join(circle)}", file=sys.stderr)
        for app, other in zip(circle, circle[1:], strict=False):
            print(f"  {app} → {other}: {', '.join(graph[app][other])}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
