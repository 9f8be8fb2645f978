"""Templates from folders of `<name>.json` workflows and `<name>.toml` manifests."""
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
