"""The graphs the recorder runs on a real ComfyUI: model-free ones, and ones for the random checkpoint."""
from __future__ import annotations

import json
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[4] / "templates"
CHECKPOINT = "st_random_sd15.safetensors"  # made by tests/real_comfyui/make_checkpoint.py


def template(name: str, **inputs: object) -> dict:
    """A shipped template's workflow with `"node.input": value` changes (no manifest involved)."""
    graph = json.loads((TEMPLATES / f"{name}.json").read_text())
    for where, value in inputs.items():
        node, name = where.split(".", 1)
        graph[node]["inputs"][name] = value
    return graph


def node(class_type: str, **inputs: object) -> dict:
    return {"class_type": class_type, "inputs": inputs}


def frames(saver: dict) -> dict:
    """Two solid frames batched into one animation or video saver."""
    return {"1": node("EmptyImage", width=64, height=64, batch_size=2, color=0xC83232),
            "2": node("EmptyImage", width=64, height=64, batch_size=2, color=0x3232C8),
            "3": node("ImageBatch", image1=["1", 0], image2=["2", 0]), "4": saver}


def txt2img(steps: int, size: int, seed: int = 7) -> dict:
    graph = template("txt2img", **{"4.ckpt_name": CHECKPOINT, "5.width": size, "5.height": size, "3.steps": steps,
                                   "3.seed": seed, "6.text": "a red fox", "7.text": "blurry"})
    graph.pop("10")  # the template's LoRA loader, bypassed as the manifest does when no LoRA is asked for
    for source in ("3", "6", "7"):
        graph[source]["inputs"] = {k: (["4", v[1]] if isinstance(v, list) and v[0] == "10" else v)
                                   for k, v in graph[source]["inputs"].items()}
    return graph


RUNS = {
    "invert": {"graph": {"1": node("LoadImage", image="st_record.png"), "2": node("ImageInvert", image=["1", 0]),
                         "3": node("SaveImage", images=["2", 0], filename_prefix="stationthis/invert")}},
    "upscale_simple": {"graph": template("upscale_simple", **{"1.image": "st_record.png"})},
    "node_error": {"graph": template("upscale_simple", **{"1.image": "st_tiny.png", "2.scale_by": 0.01,
                                                          "2.upscale_method": "bilinear"})},
    "preview_any": {"graph": {"1": node("PrimitiveString", value="a caption from a node"),
                              "2": node("PreviewAny", source=["1", 0])}},
    "animated_webp": {"graph": frames(node("SaveAnimatedWEBP", images=["3", 0], filename_prefix="stationthis/anim",
                                           fps=6.0, lossless=False, quality=80, method="default"))},
    "animated_png": {"graph": frames(node("SaveAnimatedPNG", images=["3", 0], filename_prefix="stationthis/anim",
                                          fps=6.0, compress_level=4))},
    "webm": {"graph": frames(node("SaveWEBM", images=["3", 0], filename_prefix="stationthis/video", codec="vp9",
                                  fps=6.0, crf=32.0))},
    "txt2img_previews": {"graph": txt2img(steps=4, size=128)},
    "txt2img_previews_metadata": {"graph": txt2img(steps=4, size=128, seed=8), "preview_metadata": True},
    "interrupt": {"graph": txt2img(steps=300, size=64), "interrupt_at": 3},
    "train_lora": {"graph": template("train_lora", **{"1.ckpt_name": CHECKPOINT, "2.folder": "st_record_dataset",
                                                      "8.shorter_edge": 64, "9.width": 64, "9.height": 64,
                                                      "4.steps": 4, "5.prefix": "loras/st_record"})},
}

OLD_TRAIN_LORA = {  # the template as shipped for ComfyUI 0.3.64
    "1": node("CheckpointLoaderSimple", ckpt_name=CHECKPOINT),
    "2": node("LoadImageTextSetFromFolderNode", folder="st_record_dataset", resize_method="Stretch", width=64,
              height=64, clip=["1", 1]),
    "3": node("VAEEncode", pixels=["2", 0], vae=["1", 2]),
    "4": node("TrainLoraNode", batch_size=1, grad_accumulation_steps=1, steps=4, learning_rate=0.0005, rank=8,
              optimizer="AdamW", loss_function="MSE", seed=0, training_dtype="bf16", lora_dtype="bf16",
              algorithm="LoRA", gradient_checkpointing=True, existing_lora="[None]", model=["1", 0],
              latents=["3", 0], positive=["2", 1]),
    "5": node("SaveLoRANode", prefix="loras/st", lora=["4", 1], steps=["4", 3]),
}
REJECTED = {
    "old_train_lora": OLD_TRAIN_LORA,
    "missing_input": template("train_lora", **{"1.ckpt_name": CHECKPOINT, "2.folder": "st_record_dataset"}),
    "unknown_checkpoint": txt2img(steps=4, size=64),
    "bad_link_type": {"1": node("EmptyLatentImage", width=64, height=64, batch_size=1),
                      "2": node("SaveImage", images=["1", 0], filename_prefix="x")},
}
del REJECTED["missing_input"]["4"]["inputs"]["bucket_mode"]
REJECTED["unknown_checkpoint"]["4"] = node("CheckpointLoaderSimple", ckpt_name="sd15.safetensors")
