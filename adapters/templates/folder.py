"""Templates from folders of `<name>.json` workflows and `<name>.toml` manifests, and their checks."""
from __future__ import annotations

import json
import tomllib
from pathlib import Path

from domain.errors import DomainError
from domain.templates import Template, template_from_documents


def load_templates(*folders: str | Path) -> list[Template]:
    """Every manifest with its workflow beside it; a later folder's template replaces an earlier one's."""
    found: dict[str, Template] = {}
    for folder in map(Path, folders):
        if not folder.is_dir():
            raise DomainError(f"templates folder {folder} does not exist")
        for manifest in sorted(folder.glob("*.toml")):
            found[manifest.stem] = _load(manifest, manifest.with_suffix(".json"))
    return list(found.values())


def _load(manifest_path: Path, workflow_path: Path) -> Template:
    if not workflow_path.is_file():
        raise DomainError(f"{manifest_path}: its workflow {workflow_path.name} is missing")
    try:
        manifest = tomllib.loads(manifest_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise DomainError(f"{manifest_path}: not valid TOML: {error}") from None
    try:
        workflow = json.loads(workflow_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise DomainError(f"{workflow_path}: not valid JSON: {error}") from None
    try:
        return template_from_documents(manifest_path.stem, manifest, workflow)
    except DomainError as error:
        raise DomainError(f"{manifest_path}: {error}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise DomainError(f"{manifest_path}: malformed manifest ({type(error).__name__}: {error})") from None


def check_templates(templates: list[Template], object_info: dict | None = None) -> list[str]:
    """Each template's own problems; with a worker's /object_info, also what that worker lacks."""
    problems = []
    for template in templates:
        own = template.problems()
        problems += own
        if object_info is not None and not own:
            problems += _against_worker(template, object_info)
    return problems


def _against_worker(template: Template, info: dict) -> list[str]:
    found = []
    for node_id, node in template.workflow.items():
        if node["class_type"] not in info:
            found.append(f"{template.name}: node {node_id} is a {node['class_type']}, which the worker does not have")
    for param, targets in template.targets.items():
        for target in targets:
            class_type = template.workflow[target.node]["class_type"]
            if class_type in info and _declared(info, class_type, target.input) is None:
                found.append(f"{template.name}: parameter '{param}' targets input '{target.input}' of node "
                             f"{target.node}, but the worker's {class_type} has no such input")
    defaults = template.render({p.name: p.default for p in template.spec.params})
    for node_id, node in defaults.items():
        for name, value in node.get("inputs", {}).items():
            offered = _offered(_declared(info, node["class_type"], name))
            if offered is not None and name != "folder" and not isinstance(value, list) and value not in offered:
                has = ", ".join(map(str, offered[:10])) or "none"
                found.append(f"{template.name}: node {node_id} ({node['class_type']}) {name} defaults to "
                             f"{value!r}, which the worker does not offer (it has {has})")
    return found


def _declared(info: dict, class_type: str, name: str) -> list | None:
    inputs = info.get(class_type, {}).get("input", {})
    return next((inputs[s][name] for s in ("required", "optional") if name in (inputs.get(s) or {})), None)


def _offered(declared: list | None) -> list | None:
    """A combo's options (classic `[[...], {}]` or v3 `["COMBO", {options}]`), unless uploads fill it."""
    if not declared:
        return None
    extra = declared[1] if len(declared) > 1 and isinstance(declared[1], dict) else {}
    if any("upload" in key for key in extra):
        return None
    if isinstance(declared[0], list):
        return declared[0]
    return list(extra.get("options") or []) if declared[0] == "COMBO" else None
