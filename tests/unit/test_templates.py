"""Shipped templates, the folder loader and its checks; user values only ever fill node inputs."""
import json
import shutil
from pathlib import Path

import pytest

from adapters.comfyui.graph_check import graph_problems
from adapters.templates.folder import load_templates
from domain.errors import DomainError

SHIPPED = Path(__file__).resolve().parents[2] / "templates"
HOSTILE = [
    '", "class_type": "Evil"}',
    '{"1": {"class_type": "Evil", "inputs": {}}}',
    '"]}, "99": {"class_type": "SaveImage", "inputs": {"images": ["4", 0]}}, "x": {"inputs": {"a": ["',
    '["4", 0]',
    'quote " and \' and back\\slash \\" and \\\\',
    "a" * 10_000,
    "ünïcødé 猫 🐈 \u202e\u0000 \r\n\t end",
    "{{prompt}} ${prompt} %s %(prompt)s",
]


def shipped() -> dict:
    return {t.name: t for t in load_templates(SHIPPED)}


def links(graph: dict) -> set:
    return {(node_id, name, value[0], value[1]) for node_id, node in graph.items()
            for name, value in node["inputs"].items() if isinstance(value, list)}


def write_template(folder: Path, name: str, manifest: str, workflow: dict) -> None:
    (folder / f"{name}.toml").write_text(manifest)
    (folder / f"{name}.json").write_text(json.dumps(workflow))


def test_every_shipped_template_loads_without_problems():
    templates = shipped()
    assert set(templates) == {"txt2img", "img2img", "upscale", "upscale_simple", "train_lora", "animate", "describe",
                              "caption", "assist"}
    assert [p for t in templates.values() for p in t.problems()] == []


def test_every_shipped_workflow_is_in_comfyui_api_export_format():
    for path in SHIPPED.glob("*.json"):
        for node_id, node in json.loads(path.read_text()).items():
            assert node_id.isdigit() and set(node) == {"inputs", "class_type", "_meta"}, path.name


def test_shipped_prices_are_sensible():
    templates = shipped()
    txt2img = templates["txt2img"].spec
    assert 5 <= txt2img.price.quote(txt2img.validate({"prompt": "a cat"})) <= 10
    train = templates["train_lora"].spec
    assert train.price.quote(train.validate({"dataset": "d1"})) >= 100
    assert train.price.quote(train.validate({"dataset": "d1", "steps": 2000})) > train.price.quote(
        train.validate({"dataset": "d1"}))


def test_rendering_fills_only_the_targeted_node_inputs():
    template = shipped()["txt2img"]
    values = template.spec.validate({"prompt": "a cat", "lora": "style.safetensors", "steps": 9, "seed": 5})
    graph = template.render(values)
    changed = {(node_id, name) for node_id, node in graph.items() for name, value in node["inputs"].items()
               if template.workflow[node_id]["inputs"][name] != value}
    targeted = {(t.node, t.input) for targets in template.targets.values() for t in targets}
    assert changed <= targeted
    assert graph["6"]["inputs"]["text"] == "a cat" and graph["3"]["inputs"]["steps"] == 9
    assert graph["10"]["inputs"]["lora_name"] == "style.safetensors"
    assert template.workflow["6"]["inputs"]["text"] == ""  # the template itself is never changed


@pytest.mark.parametrize("prompt", HOSTILE, ids=range(len(HOSTILE)))
def test_a_hostile_prompt_can_never_add_remove_or_rewire_nodes(prompt):
    template = shipped()["txt2img"]
    values = template.spec.validate({"prompt": "benign", "lora": "style.safetensors"})
    values.update(prompt=prompt, negative=prompt)  # straight to render: no length limit to hide behind
    graph = json.loads(json.dumps(template.render(values)))  # as it travels to ComfyUI
    assert set(graph) == set(template.workflow)
    assert {n: node["class_type"] for n, node in graph.items()} == {
        n: node["class_type"] for n, node in template.workflow.items()}
    assert links(graph) == links(template.workflow)
    assert graph["6"]["inputs"]["text"] == prompt and graph["7"]["inputs"]["text"] == prompt


def test_an_empty_lora_removes_its_node_and_rewires_consumers_to_the_checkpoint():
    template = shipped()["txt2img"]
    graph = template.render(template.spec.validate({"prompt": "a cat", "lora": ""}))
    assert "10" not in graph
    assert graph["3"]["inputs"]["model"] == ["4", 0]
    assert graph["6"]["inputs"]["clip"] == ["4", 1] and graph["7"]["inputs"]["clip"] == ["4", 1]
    assert not any(value[0] == "10" for _n, _i, *value in links(graph))


def test_the_training_template_links_its_saver_to_the_trainer_steps():
    template = shipped()["train_lora"]
    assert template.spec.kind == "training" and template.lora_file.node == "5"
    saver = template.workflow[template.lora_file.node]
    assert saver["class_type"] == "SaveLoRA" and saver["inputs"]["steps"] == ["4", 3]
    graph = template.render(template.spec.validate({"dataset": "st_job1", "steps": 50}))
    assert graph["2"]["inputs"]["folder"] == "st_job1" and graph["4"]["inputs"]["steps"] == 50


def test_a_manifest_targeting_a_missing_node_names_the_parameter_and_node(tmp_path):
    workflow = json.loads((SHIPPED / "upscale_simple.json").read_text())
    manifest = (SHIPPED / "upscale_simple.toml").read_text().replace('[["2", "scale_by"]]', '[["42", "scale_by"]]')
    write_template(tmp_path, "broken", manifest, workflow)
    [template] = load_templates(tmp_path)
    assert template.problems() == ["broken: parameter 'scale_by' targets node 42, which the workflow lacks"]


def test_a_manifest_targeting_a_missing_input_lists_the_inputs_the_node_has(tmp_path):
    workflow = json.loads((SHIPPED / "upscale_simple.json").read_text())
    manifest = (SHIPPED / "upscale_simple.toml").read_text().replace('"scale_by"]]', '"scale"]]')
    write_template(tmp_path, "broken", manifest, workflow)
    [problem] = load_templates(tmp_path)[0].problems()
    assert problem == ("broken: parameter 'scale_by' targets input 'scale' of node 2 (ImageScaleBy), "
                       "which has inputs ['image', 'scale_by', 'upscale_method']")


def test_an_operator_folder_overrides_a_shipped_template_of_the_same_name(tmp_path):
    shutil.copy(SHIPPED / "txt2img.json", tmp_path / "txt2img.json")
    manifest = (SHIPPED / "txt2img.toml").read_text().replace('title = "Text to image"', 'title = "Our own"')
    (tmp_path / "txt2img.toml").write_text(manifest)
    templates = {t.name: t for t in load_templates(SHIPPED, tmp_path)}
    assert templates["txt2img"].spec.title == "Our own"
    assert set(templates) == set(shipped())


@pytest.mark.parametrize("damage, says", [
    (lambda folder: (folder / "bad.json").write_text("{not json"), "bad.json: not valid JSON"),
    (lambda folder: (folder / "bad.toml").write_text("title = "), "bad.toml: not valid TOML"),
    (lambda folder: (folder / "bad.json").unlink(), "bad.toml: its workflow bad.json is missing"),
    (lambda folder: (folder / "bad.toml").write_text('[[params]]\nname = "x"\ntype = "colour"\n'),
     "bad.toml: bad: parameter 'x' has type 'colour'"),
    (lambda folder: (folder / "bad.toml").write_text('[[params]]\nname = "x"\ntype = "text"\n'
                                                      'bypass_when_empty = { outputs = [] }\n'),
     "bad.toml: malformed manifest"),
])
def test_a_broken_template_raises_an_error_naming_its_file_and_problem(tmp_path, damage, says):
    write_template(tmp_path, "bad", 'title = "Bad"\n', json.loads((SHIPPED / "upscale_simple.json").read_text()))
    damage(tmp_path)
    with pytest.raises(DomainError, match=says.replace("[", r"\[").replace("(", r"\(")):
        load_templates(tmp_path)


def test_a_missing_templates_folder_is_an_error(tmp_path):
    with pytest.raises(DomainError, match="does not exist"):
        load_templates(tmp_path / "nowhere")


def info_with(**nodes) -> dict:
    return {name: {"input": {"required": inputs}, "output": outputs} for name, (inputs, outputs) in nodes.items()}


def test_checking_against_a_worker_names_unknown_nodes_with_their_new_name_missing_inputs_links_and_values():
    graph = {"1": {"class_type": "LoadImageTextSetFromFolderNode", "inputs": {}},
             "2": {"class_type": "EmptyLatentImage", "inputs": {}},
             "3": {"class_type": "ImageScaleBy", "inputs": {"image": ["2", 0], "upscale_method": "lanczos"}},
             "4": {"class_type": "EvilNode", "inputs": {}}}
    info = info_with(LoadImageTextDataSetFromFolder=({}, ["IMAGE"]), EmptyLatentImage=({}, ["LATENT"]),
                     ImageScaleBy=({"image": ["IMAGE"], "upscale_method": [["bilinear"]],
                                    "scale_by": ["FLOAT", {"min": 0.01}]}, ["IMAGE"]))
    assert [p.detail for p in graph_problems(graph, info)] == [
        "node 1: this ComfyUI has no node type 'LoadImageTextSetFromFolderNode'; it was renamed to "
        "'LoadImageTextDataSetFromFolder'",
        "node 3 (ImageScaleBy): the required input 'scale_by' is missing",
        "node 3 (ImageScaleBy) image: receives LATENT from node 2 (EmptyLatentImage) but takes IMAGE",
        "node 3 (ImageScaleBy) upscale_method: 'lanczos' is not available; allowed: bilinear",
        "node 4: this ComfyUI has no node type 'EvilNode' (a missing custom node?)",
    ]
    assert not any(p.model for p in graph_problems(graph, info))


def test_a_worker_older_than_a_rename_is_told_to_update():
    graph = {"5": {"class_type": "SaveLoRA", "inputs": {}}}
    [problem] = graph_problems(graph, info_with(SaveLoRANode=({}, [])))
    assert problem.detail == "node 5: this ComfyUI is older and calls 'SaveLoRA' 'SaveLoRANode'; " \
                             "update it (ComfyUI 0.8 or newer)"


def test_a_missing_model_file_is_told_apart_from_a_broken_template():
    graph = {"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd15.safetensors"}}}
    info = info_with(CheckpointLoaderSimple=({"ckpt_name": [["other.safetensors"]]}, ["MODEL"]))
    [problem] = graph_problems(graph, info)
    assert (problem.model, problem.model_kind) == ("sd15.safetensors", "checkpoint")
    assert problem.detail == "needs checkpoint 'sd15.safetensors', which this worker lacks (allowed: other.safetensors)"


def test_a_link_to_an_output_the_node_no_longer_has_is_named():
    graph = {"1": {"class_type": "TrainLoraNode", "inputs": {}},
             "2": {"class_type": "SaveLoRA", "inputs": {"lora": ["1", 3]}}}
    info = info_with(TrainLoraNode=({}, ["LORA_MODEL", "LOSS_MAP", "INT"]), SaveLoRA=({"lora": ["LORA_MODEL"]}, []))
    assert [p.detail for p in graph_problems(graph, info)] == [
        "node 2 (SaveLoRA) lora: links to output 3 of node 1 (TrainLoraNode), which has outputs "
        "['LORA_MODEL', 'LOSS_MAP', 'INT']"]
