"""The package's layers point one way, modules stay small, and nobody reaches into privates.

contract  <-  client  <-  notebook
contract  <-  sim
and the message catalogue ``i18n`` below them all (it imports nothing of youchuan_nb);
and the composition modules at the root (``youchuan_nb/__init__.py``, ``_offline.py``,
``__main__.py``) may use everything. Read from the source with ``ast``, so a back-edge added in
a function body (a "lazy" import) fails as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "youchuan_nb"
# layer -> layers it may import
ALLOWED = {
    "i18n": {"i18n"},
    "contract": {"contract", "i18n"},
    "client": {"contract", "client", "i18n"},
    "sim": {"contract", "sim", "i18n"},
    "notebook": {"contract", "client", "notebook", "i18n"},
    "root": {"contract", "client", "sim", "notebook", "root", "labextension", "i18n"},
}
MAX_LINES = 420


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "node_modules" not in p.parts)


def _layer(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else "root"


def _dotted(path: Path) -> list[str]:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imports(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """(line, absolute module name) of every youchuan_nb import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source)
    here = _dotted(path)
    package = here if path.name == "__init__.py" else here[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
                targets = [name] if node.module else [f"{name}.{a.name}" for a in node.names]
            else:
                targets = [node.module or ""]
            found += [(node.lineno, t) for t in targets]
    return [(line, t) for line, t in found if t.split(".")[0] == "youchuan_nb"]


def _target_layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] not in ALLOWED:
        return "root"
    return parts[1]


def test_no_module_imports_a_layer_above_it():
    bad = []
    for path in _modules():
        layer = _layer(path)
        for line, module in _imports(path):
            if _target_layer(module) not in ALLOWED[layer]:
                bad.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}")
    assert not bad, "\n".join(bad)


def test_no_private_module_of_another_package_is_imported():
    bad = []
    for path in _modules():
        layer = _layer(path)
        for line, module in _imports(path):
            parts = module.split(".")
            target = _target_layer(module)
            private = [p for p in parts[2:] if p.startswith("_") and not p.startswith("__")]
            # the offline seam is the client's published hook for the composition module
            # the composition root wires the layers together (the offline seam, the extension)
            if target != layer and private and layer != "root":
                bad.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}")
    assert not bad, "\n".join(bad)


def _defined_here(tree: ast.AST) -> set[str]:
    """Private names this module defines itself: its own classes' attributes and methods."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _private_reaches(path: Path) -> list[str]:
    """``other._name`` for a private name this module does not define (so it belongs to an
    object of another module), unless ``other`` is ``self``/``cls``/``super()``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = _defined_here(tree)
    modules = {
        a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    modules |= {
        a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        name = node.attr
        if not name.startswith("_") or (name.startswith("__") and name.endswith("__")):
            continue
        if name in own:
            continue
        value = node.value
        if isinstance(value, ast.Name) and (value.id in ("self", "cls") or value.id in modules):
            continue
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "super"
        ):
            continue
        if name in (
            "_repr_mimebundle_",
            "_ipython_display_",
            "_asdict",
            "_replace",
            "_fields",
            "_exit",
            "_getframe",
            "_meta",
        ):
            continue  # protocols of IPython, namedtuples and os/sys, not our privates
        found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} .{name}")
    return found


def test_no_object_reaches_into_another_objects_privates():
    bad = [hit for path in _modules() for hit in _private_reaches(path)]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_are_small(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.name} has {lines} lines; split it along a seam"


def test_the_graph_check_sees_a_back_edge():
    # the checker itself must be able to fail: a lazy import of the notebook from the client
    probe = PACKAGE / "client" / "_probe.py"  # never written: the source is given
    source = "def f():\n    from ..notebook import show_job\n    return show_job\n"
    hits = [m for _, m in _imports(probe, source) if _target_layer(m) not in ALLOWED["client"]]
    assert hits == ["youchuan_nb.notebook"]
