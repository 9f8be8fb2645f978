"""The node types the demo worker runs, declared as ComfyUI 0.8 names and types them, and its /object_info."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from adapters.comfyui.demo import nodes_image, nodes_model, nodes_text, nodes_train
from adapters.comfyui.demo.files import DemoFiles

CHECKPOINTS = ("sd15.safetensors",)
UPSCALE_MODELS = ("RealESRGAN_x4plus.pth", "RealESRGAN_x4plus_anime_6B.pth", "4x-UltraSharp.pth")
SAMPLERS = ("euler", "euler_ancestral", "heun", "dpm_2", "dpm_2_ancestral", "lms", "dpmpp_2m", "dpmpp_sde",
            "dpmpp_2m_sde", "ddim", "uni_pc", "lcm")
SCHEDULERS = ("normal", "karras", "exponential", "sgm_uniform", "simple", "ddim_uniform", "beta")
SCALE_METHODS = ("nearest-exact", "bilinear", "area", "bicubic", "lanczos")


@dataclass(frozen=True)
class Listed:
    """A combo whose options are what the worker has now: "checkpoints", "loras", "upscale_models",
    "input_images" or "input_folders"."""

    what: str


@dataclass(frozen=True)
class Node:
    run: Callable[..., Awaitable[tuple[tuple[Any, ...], dict[str, Any] | None]]]
    inputs: dict[str, Any]  # name -> a type ("INT", "IMAGE"...), a tuple of options, or Listed
    outputs: tuple[str, ...] = ()
    output_node: bool = False
    optional: tuple[str, ...] = ()


INT, FLOAT, STRING = "INT", "FLOAT", "STRING"
NODES: dict[str, Node] = {
    "CheckpointLoaderSimple": Node(nodes_model.load_checkpoint, {"ckpt_name": Listed("checkpoints")},
                                   ("MODEL", "CLIP", "VAE")),
    "LoraLoader": Node(nodes_model.load_lora, {"model": "MODEL", "clip": "CLIP", "lora_name": Listed("loras"),
                                               "strength_model": FLOAT, "strength_clip": FLOAT}, ("MODEL", "CLIP")),
    "CLIPTextEncode": Node(nodes_model.encode_text, {"text": STRING, "clip": "CLIP"}, ("CONDITIONING",)),
    "EmptyLatentImage": Node(nodes_model.empty_latent, {"width": INT, "height": INT, "batch_size": INT},
                             ("LATENT",)),
    "VAEEncode": Node(nodes_model.encode_pixels, {"pixels": "IMAGE", "vae": "VAE"}, ("LATENT",)),
    "KSampler": Node(nodes_model.sample, {
        "model": "MODEL", "seed": INT, "steps": INT, "cfg": FLOAT, "sampler_name": SAMPLERS, "scheduler": SCHEDULERS,
        "positive": "CONDITIONING", "negative": "CONDITIONING", "latent_image": "LATENT", "denoise": FLOAT},
        ("LATENT",)),
    "VAEDecode": Node(nodes_model.decode, {"samples": "LATENT", "vae": "VAE"}, ("IMAGE",)),
    "LoadImage": Node(nodes_image.load_image, {"image": Listed("input_images")}, ("IMAGE", "MASK")),
    "ImageScaleBy": Node(nodes_image.scale_by, {"image": "IMAGE", "upscale_method": SCALE_METHODS, "scale_by": FLOAT},
                         ("IMAGE",)),
    "UpscaleModelLoader": Node(nodes_image.load_upscale_model, {"model_name": Listed("upscale_models")},
                               ("UPSCALE_MODEL",)),
    "ImageUpscaleWithModel": Node(nodes_image.upscale_with_model, {"upscale_model": "UPSCALE_MODEL", "image": "IMAGE"},
                                  ("IMAGE",)),
    "EmptyImage": Node(nodes_image.empty_image, {"width": INT, "height": INT, "batch_size": INT, "color": INT},
                       ("IMAGE",)),
    "ImageBatch": Node(nodes_image.image_batch, {"image1": "IMAGE", "image2": "IMAGE"}, ("IMAGE",)),
    "ImageBlur": Node(nodes_image.image_blur, {"image": "IMAGE", "blur_radius": INT, "sigma": FLOAT}, ("IMAGE",)),
    "ImageBlend": Node(nodes_image.image_blend, {"image1": "IMAGE", "image2": "IMAGE", "blend_factor": FLOAT,
                                                 "blend_mode": ("normal",)}, ("IMAGE",)),
    "PreviewAny": Node(nodes_text.preview_any, {"source": "*"}, output_node=True),
    "DownloadAndLoadFlorence2Model": Node(nodes_text.load_florence2, {
        "model": nodes_text.FLORENCE2_MODELS, "precision": ("fp16", "bf16", "fp32"),
        "attention": ("flash_attention_2", "sdpa", "eager")}, ("FL2MODEL",)),
    "Florence2Run": Node(nodes_text.florence2_run, {
        "image": "IMAGE", "florence2_model": "FL2MODEL", "text_input": STRING, "task": nodes_text.FLORENCE2_TASKS,
        "fill_mask": "BOOLEAN", "keep_model_loaded": "BOOLEAN", "max_new_tokens": INT, "num_beams": INT,
        "do_sample": "BOOLEAN", "output_mask_select": STRING, "seed": INT}, ("IMAGE", "MASK", "STRING", "JSON", "INT"),
        optional=("keep_model_loaded", "max_new_tokens", "num_beams", "do_sample", "output_mask_select", "seed")),
    "Searge_LLM_Node": Node(nodes_text.searge_llm, {
        "text": STRING, "random_seed": INT, "model": nodes_text.LLM_MODELS, "max_tokens": INT,
        "apply_instructions": "BOOLEAN", "instructions": STRING}, ("STRING", "STRING")),
    "SaveImage": Node(nodes_image.save_image, {"images": "IMAGE", "filename_prefix": STRING}, output_node=True),
    "SaveAnimatedWEBP": Node(nodes_image.save_animated_webp, {
        "images": "IMAGE", "filename_prefix": STRING, "fps": FLOAT, "lossless": "BOOLEAN", "quality": INT,
        "method": ("default", "fastest", "slowest")}, output_node=True),
    "LoadImageTextDataSetFromFolder": Node(nodes_train.load_dataset, {"folder": Listed("input_folders")},
                                           ("IMAGE", "STRING")),
    "ResizeImagesByShorterEdge": Node(nodes_train.resize_shorter_edge, {"images": "IMAGE", "shorter_edge": INT},
                                      ("IMAGE",)),
    "CenterCropImages": Node(nodes_train.center_crop, {"images": "IMAGE", "width": INT, "height": INT}, ("IMAGE",)),
    "TrainLoraNode": Node(nodes_train.train, {
        "model": "MODEL", "latents": "LATENT", "positive": "CONDITIONING", "steps": INT, "learning_rate": FLOAT,
        "rank": INT, "seed": INT}, ("MODEL", "LORA_MODEL", "LOSS_MAP", INT)),
    "SaveLoRA": Node(nodes_train.save_lora, {"lora": "LORA_MODEL", "prefix": STRING, "steps": INT}, output_node=True,
                     optional=("steps",)),
    "LossGraphNode": Node(nodes_train.plot_loss, {"loss": "LOSS_MAP", "filename_prefix": STRING}, output_node=True),
}


def object_info(files: DemoFiles) -> dict[str, Any]:
    """GET /object_info: each node's inputs (combos listing what the worker has now), outputs and output flag."""
    lists = {"checkpoints": list(CHECKPOINTS), "loras": files.loras(), "upscale_models": list(UPSCALE_MODELS),
             "input_images": files.input_images(), "input_folders": files.input_folders()}
    info = {}
    for name, node in NODES.items():
        sections: dict[str, dict[str, list[Any]]] = {"required": {}, "optional": {}}
        for input_name, declared in node.inputs.items():
            section = sections["optional" if input_name in node.optional else "required"]
            section[input_name] = _declaration(declared, lists)
        info[name] = {"input": sections, "output": list(node.outputs), "output_is_list": [False] * len(node.outputs),
                      "output_name": list(node.outputs), "name": name, "display_name": name, "description": "",
                      "python_module": "stationthis_demo", "category": "StationThis demo",
                      "output_node": node.output_node}
    return info


def _declaration(declared: Any, lists: dict[str, list[str]]) -> list[Any]:
    if isinstance(declared, Listed) and declared.what == "input_folders":
        return ["COMBO", {"options": lists["input_folders"]}]
    if isinstance(declared, Listed):
        return [lists[declared.what], {"image_upload": True} if declared.what == "input_images" else {}]
    return [list(declared), {}] if isinstance(declared, tuple) else [declared, {}]
