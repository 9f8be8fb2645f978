"""Which tools a worker can run and why not: what `templates check --against` and `doctor` report."""
from __future__ import annotations

from dataclasses import dataclass

from domain.templates import Template
from ports.engine import GraphProblem, ImageEngine


@dataclass(frozen=True)
class Fitness:
    template: Template
    problems: tuple[GraphProblem, ...]

    @property
    def runnable(self) -> bool:
        return not self.problems

    @property
    def broken(self) -> list[str]:
        """What stops the template itself on this ComfyUI (nodes, inputs, links, values); node types of a custom
        node pack the manifest declares are said once, as the pack the worker lacks."""
        packs = {pack.name: pack for p in self.problems if (pack := self.template.pack_of(p.node_type))}
        lines = [f"needs the custom node pack {pack.name} on the worker ({pack.url}); install it in ComfyUI's "
                 f"custom_nodes (missing node types: {', '.join(pack.nodes)})" for _, pack in sorted(packs.items())]
        return lines + [p.detail for p in self.problems if not p.model and not self.template.pack_of(p.node_type)]

    @property
    def lacks_only_packs(self) -> bool:
        """Whether all that stops it is custom node packs its manifest declares (the operator's choice to install)."""
        return bool(self.problems) and all(self.template.pack_of(p.node_type) for p in self.problems)

    @property
    def missing_models(self) -> list[str]:
        return [p.detail for p in self.problems if p.model]

    def lines(self, version: str) -> list[str]:
        on = f"ComfyUI {version}" if version else "this ComfyUI"
        return [f"{self.template.name}: cannot run on {on}: {detail}" for detail in self.broken] + \
            [f"{self.template.name}: {detail}" for detail in self.missing_models]


async def tool_fitness(engine: ImageEngine, templates: list[Template]) -> list[Fitness]:
    """Each template rendered with its defaults and checked against the worker's node catalogue."""
    found = []
    for template in templates:
        graph = template.render({p.name: p.default for p in template.spec.params})
        found.append(Fitness(template, tuple(await engine.check(graph))))
    return found
