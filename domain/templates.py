"""Templates: a ComfyUI API-format workflow plus a manifest; user values only ever fill node inputs."""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any

from domain.catalogue import PARAM_TYPES, ParamSpec, ParamType, ToolKind, ToolSpec
from domain.errors import DomainError, UnknownTool
from domain.follow_up_rules import follow_ups_from_manifest
from domain.limits import Limits, limits_from_manifest
from domain.outputs import output_from_manifest
from domain.pricing import PriceRule

KINDS = tuple(k.value for k in ToolKind)
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@dataclass(frozen=True)
class Target:
    node: str
    input: str


@dataclass(frozen=True)
class Bypass:
    """When the parameter is empty, remove `node` and route its outputs to these inputs' sources."""

    node: str
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class LoraFile:
    """Where a training template's saver writes its file (ComfyUI's history does not list it)."""

    node: str
    steps_param: str


@dataclass(frozen=True)
class NodePack:
    """A custom node pack the workflow needs on the worker (ComfyUI's core lacks its node types)."""

    name: str
    url: str
    nodes: tuple[str, ...]


@dataclass(frozen=True)
class DatasetNeeds:
    """What a training template asks of a dataset: at least this many pictures, none smaller on a side."""

    min_images: int = 0
    min_side: int = 0


@dataclass(frozen=True)
class Template:
    spec: ToolSpec
    workflow: dict[str, Any]
    targets: dict[str, tuple[Target, ...]]
    outputs: tuple[str, ...]
    bypass: dict[str, Bypass] = field(default_factory=dict)
    lora_file: LoraFile | None = None
    limits: Limits = field(default_factory=Limits)
    packs: tuple[NodePack, ...] = ()
    dataset: DatasetNeeds = field(default_factory=DatasetNeeds)

    @property
    def name(self) -> str:
        return self.spec.name

    def render(self, values: dict[str, object]) -> dict[str, Any]:
        """A fresh graph with each value placed in its target inputs; the graph's shape never comes from users."""
        graph: dict[str, Any] = json.loads(json.dumps(self.workflow))  # a deep copy of JSON, faster than deepcopy
        for name, targets in self.targets.items():
            value = values.get(name)
            if value is None:
                continue
            for target in targets:
                graph[target.node]["inputs"][target.input] = value
        for name, rule in self.bypass.items():
            if values.get(name) in (None, ""):
                _bypass(graph, rule)
        return graph

    def problems(self) -> list[str]:
        """Every way the manifest disagrees with its workflow."""
        found = []
        for name, targets in self.targets.items():
            for t in targets:
                node = self.workflow.get(t.node)
                if node is None:
                    found.append(f"{self.name}: parameter '{name}' targets node {t.node}, which the workflow lacks")
                elif t.input not in node.get("inputs", {}):
                    found.append(
                        f"{self.name}: parameter '{name}' targets input '{t.input}' of node {t.node} "
                        f"({node.get('class_type')}), which has inputs {sorted(node.get('inputs', {}))}"
                    )
        for node_id in self.outputs + ((self.lora_file.node,) if self.lora_file else ()):
            if node_id not in self.workflow:
                found.append(f"{self.name}: output node {node_id} is not in the workflow")
        for name, rule in self.bypass.items():
            if rule.node not in self.workflow:
                found.append(f"{self.name}: parameter '{name}' bypasses node {rule.node}, which the workflow lacks")
        return found

    def pack_of(self, class_type: str) -> NodePack | None:
        """The custom node pack that provides a node type, as the manifest declares it."""
        return next((pack for pack in self.packs if class_type in pack.nodes), None)


def _bypass(graph: dict[str, Any], rule: Bypass) -> None:
    removed = graph.pop(rule.node)
    for node in graph.values():
        for key, value in node.get("inputs", {}).items():
            if isinstance(value, list) and len(value) == 2 and value[0] == rule.node:
                node["inputs"][key] = copy.deepcopy(removed["inputs"][rule.outputs[value[1]]])


def template_from_documents(name: str, manifest: dict[str, Any], workflow: dict[str, Any]) -> Template:
    """Build a template from a parsed manifest and an API-format workflow, or say precisely what is wrong."""
    if not _NAME.match(name):
        raise DomainError(f"template name '{name}' must be lowercase letters, digits and _ (at most 32).")
    if not isinstance(workflow, dict) or not all(isinstance(n, dict) and "class_type" in n for n in workflow.values()):
        raise DomainError(f"{name}: the workflow is not ComfyUI API format (node id -> {{class_type, inputs}}).")
    kind = manifest.get("kind", "image")
    if kind not in KINDS:
        raise DomainError(f"{name}: kind '{kind}' is not one of {', '.join(KINDS)}.")
    params, targets, bypass = [], {}, {}
    for raw in manifest.get("params", []):
        pname, ptype = raw.get("name"), raw.get("type")
        if ptype not in PARAM_TYPES:
            raise DomainError(f"{name}: parameter '{pname}' has type '{ptype}'; allowed: {', '.join(PARAM_TYPES)}.")
        params.append(ParamSpec(
            name=pname, type=ParamType(ptype), description=raw.get("description", ""), default=raw.get("default"),
            min=raw.get("min"), max=raw.get("max"), choices=tuple(raw.get("choices", ())),
            required=bool(raw.get("required", False)), max_length=int(raw.get("max_length", 2000)),
        ))
        targets[pname] = tuple(Target(str(n), str(i)) for n, i in raw.get("targets", []))
        if "bypass_when_empty" in raw:
            rule = raw["bypass_when_empty"]
            bypass[pname] = Bypass(node=str(rule["node"]), outputs=tuple(rule["outputs"]))
    numbers = {p.name for p in params if p.type in (ParamType.INT, ParamType.FLOAT)}  # what prices and scales read
    lora = manifest.get("lora_file")
    output = output_from_manifest(manifest.get("output"), kind == ToolKind.TRAINING, name)
    make_with = str(manifest.get("make_with", ""))
    spec = ToolSpec(
        name=name, title=manifest.get("title", name), description=manifest.get("description", "")[:100],
        kind=ToolKind(kind), params=tuple(params), price=PriceRule.from_manifest(manifest.get("price", {}), numbers),
        output=output, make_with=make_with,
        follow_ups=follow_ups_from_manifest(name, ToolKind(kind), output, manifest.get("follow_ups"), make_with,
                                            params),
    )
    needs = manifest.get("dataset", {})
    return Template(
        spec=spec, workflow=workflow, targets=targets, outputs=tuple(str(o) for o in manifest.get("outputs", [])),
        bypass=bypass, lora_file=LoraFile(str(lora["node"]), lora["steps_param"]) if lora else None,
        limits=limits_from_manifest(manifest.get("limits", {}), kind, numbers, name),
        packs=tuple(NodePack(str(p["name"]), str(p.get("url", "")), tuple(map(str, p["nodes"])))
                    for p in manifest.get("packs", [])),
        dataset=DatasetNeeds(int(needs.get("min_images", 0)), int(needs.get("min_side", 0))),
    )


class Catalogue:
    """Every template by name: the tools users can call."""

    def __init__(self, templates: list[Template]):
        self._templates = {t.name: t for t in templates}

    def get(self, name: str) -> Template:
        template = self._templates.get((name or "").lower())
        if template is None:
            raise UnknownTool(name, list(self._templates))
        return template

    def __contains__(self, name: str) -> bool:
        return name in self._templates

    def templates(self, kind: str | None = None) -> list[Template]:
        return [t for t in self._templates.values() if kind is None or t.spec.kind == kind]

    def tools(self) -> list[ToolSpec]:
        return [t.spec for t in self._templates.values()]

    def makes_with(self, spec: ToolSpec) -> Template | None:
        """The tool a text result makes a picture with, while this station has it and it takes a prompt."""
        target = self._templates.get(spec.make_with) if spec.make_with else None
        usable = target is not None and target.spec.kind != ToolKind.TRAINING and target.spec.prompt_param
        return target if usable else None

    def captioners(self) -> list[Template]:
        """Templates that turn a picture into words (they can caption a training dataset)."""
        return [t for t in self._templates.values() if t.spec.captions]
