"""The hexagon's dependency rule, checked by scanning every import."""
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imports(folder: str):
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                yield path, [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield path, [node.module]


def offenders(folder: str, allowed) -> list[str]:
    return [f"{p.relative_to(ROOT)}: {m}" for p, mods in imports(folder) for m in mods if not allowed(m)]


def test_the_domain_imports_only_the_standard_library_and_ports():
    top = lambda m: m.split(".")[0]  # noqa: E731
    assert offenders("domain", lambda m: top(m) in sys.stdlib_module_names or top(m) in ("domain", "ports")) == []


def test_ports_import_no_framework():
    top = lambda m: m.split(".")[0]  # noqa: E731
    assert offenders("ports", lambda m: top(m) in sys.stdlib_module_names or top(m) in ("domain", "ports")) == []


def test_an_adapter_never_imports_another_adapter_except_the_chat_kit():
    bad = []
    for path, mods in imports("adapters"):
        own = path.relative_to(ROOT / "adapters").parts[0]
        for module in mods:
            parts = module.split(".")
            if parts[0] == "adapters" and len(parts) > 1 and parts[1] not in (own, "chat"):
                bad.append(f"{path.relative_to(ROOT)}: {module}")
    assert bad == []


def test_only_bootstrap_and_tests_name_the_container():
    assert offenders("adapters", lambda m: not m.startswith("bootstrap")) == []
    assert offenders("domain", lambda m: not m.startswith("bootstrap")) == []
