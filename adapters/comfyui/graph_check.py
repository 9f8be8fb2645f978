"""A graph checked against a worker's /object_info the way ComfyUI validates a prompt, before anything is sent."""
from __future__ import annotations

from adapters.comfyui.schema import combo_options, describe_options, input_spec, value_problem
from ports.engine import GraphProblem

# Core node types ComfyUI renamed: old name -> new name (0.3.76 renamed the training nodes).
RENAMED = {
    "LoadImageTextSetFromFolderNode": "LoadImageTextDataSetFromFolder",
    "LoadImageSetFromFolderNode": "LoadImageDataSetFromFolder",
    "SaveLoRANode": "SaveLoRA",
}
MODEL_KINDS = {"ckpt_name": "checkpoint", "lora_name": "LoRA", "vae_name": "VAE", "unet_name": "diffusion model",
                "clip_name": "text encoder", "control_net_name": "ControlNet", "model_name": "model",
                "existing_lora": "LoRA"}
MODEL_SUFFIXES = (".safetensors", ".ckpt", ".pt", ".pth", ".bin", ".gguf", ".sft")


def graph_problems(graph: dict, info: dict) -> list[GraphProblem]:
    """Unknown node types, missing required inputs, links of the wrong type, values a worker refuses, missing models."""
    problems = []
    for node_id, node in graph.items():
        class_type = node.get("class_type")
        if class_type not in info:
            problems.append(GraphProblem(_unknown(node_id, str(class_type), info), node_type=str(class_type)))
            continue
        inputs, declared = node.get("inputs") or {}, info[class_type].get("input") or {}
        for name in declared.get("required") or {}:
            if name not in inputs:
                problems.append(GraphProblem(f"node {node_id} ({class_type}): the required input '{name}' is missing"))
        for name, value in inputs.items():
            spec = input_spec(info, class_type, name)
            if spec is None:
                continue  # ComfyUI ignores inputs a node does not declare
            problem = _link_problem(graph, info, value, spec) if isinstance(value, list) else \
                _value_problem(spec, name, value)
            if problem is not None and not problem.model:
                problem = GraphProblem(f"node {node_id} ({class_type}) {name}: {problem.detail}")
            if problem is not None:
                problems.append(problem)
    return problems


def _unknown(node_id: str, class_type: str, info: dict) -> str:
    renamed = RENAMED.get(class_type)
    older = next((old for old, new in RENAMED.items() if new == class_type and old in info), None)
    if renamed in info:
        return f"node {node_id}: this ComfyUI has no node type '{class_type}'; it was renamed to '{renamed}'"
    if older:
        return (f"node {node_id}: this ComfyUI is older and calls '{class_type}' '{older}'; "
                f"update it (ComfyUI 0.8 or newer)")
    return f"node {node_id}: this ComfyUI has no node type '{class_type}' (a missing custom node?)"


def _link_problem(graph: dict, info: dict, link: list, spec: list) -> GraphProblem | None:
    if len(link) != 2 or str(link[0]) not in graph:
        return GraphProblem(f"links to node {link[0] if link else '?'}, which the graph lacks")
    source = graph[str(link[0])].get("class_type")
    outputs = info.get(source, {}).get("output") or []
    if source not in info:
        return None  # reported as an unknown node
    if not isinstance(link[1], int) or not 0 <= link[1] < len(outputs):
        return GraphProblem(f"links to output {link[1]} of node {link[0]} ({source}), which has outputs {outputs}")
    received, expected = outputs[link[1]], spec[0]
    if isinstance(expected, str) and not _types_match(received, expected):
        return GraphProblem(f"receives {received} from node {link[0]} ({source}) but takes {expected}")
    return None


def _types_match(received: str, expected: str) -> bool:
    """ComfyUI's validate_node_input: "*" matches everything, comma-separated types are unions; COMBO takes any."""
    if received == expected or expected == "COMBO":
        return True
    got, want = {t.strip() for t in received.split(",")}, {t.strip() for t in expected.split(",")}
    return "*" in got or "*" in want or got <= want


def _value_problem(spec: list, name: str, value: object) -> GraphProblem | None:
    problem = value_problem(spec, name, value)
    if problem is None:
        return None
    options = combo_options(spec)
    if options is not None and (name in MODEL_KINDS or str(value).lower().endswith(MODEL_SUFFIXES)):
        kind = MODEL_KINDS.get(name, "model")
        return GraphProblem(f"needs {kind} '{value}', which this worker lacks ({describe_options(options)})",
                            model=str(value), model_kind=kind)
    return GraphProblem(problem)
