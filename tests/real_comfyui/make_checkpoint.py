"""Write a small random-weight SD1.5-shaped checkpoint that ComfyUI detects by its tensor shapes.

Run it with the Python of a ComfyUI installation (it borrows ComfyUI's model classes to get every
tensor's name and shape right; no weights are downloaded):

    /path/to/ComfyUI/venv/bin/python tests/real_comfyui/make_checkpoint.py /path/to/ComfyUI \
        /path/to/ComfyUI/models/checkpoints/st_random_sd15.safetensors

The UNet keeps SD1.5's detected features (320 model channels, 768-wide cross attention) but has a
single level with one block, so txt2img and TrainLoraNode run in seconds on a CPU. The text
encoder (CLIP-L) and the VAE have their full SD1.5 sizes, as ComfyUI builds those from fixed configs.
The pictures it makes are noise; it exists to exercise the real server end to end.
"""
from __future__ import annotations

import math
import sys

UNET = {
    "use_checkpoint": False, "image_size": 32, "out_channels": 4, "use_spatial_transformer": True,
    "legacy": False, "in_channels": 4, "model_channels": 320, "num_res_blocks": [1], "channel_mult": [1],
    "transformer_depth": [1], "transformer_depth_output": [1, 1], "transformer_depth_middle": 1,
    "use_linear_in_transformer": False, "context_dim": 768, "num_heads": 8, "num_head_channels": -1,
    "use_temporal_attention": False, "use_temporal_resblock": False,
}
VAE = {"double_z": True, "z_channels": 4, "resolution": 256, "in_channels": 3, "out_ch": 3, "ch": 128,
       "ch_mult": [1, 2, 4, 4], "num_res_blocks": 2, "attn_resolutions": [], "dropout": 0.0}


def randomized(module, prefix: str, generator) -> dict:
    """Every tensor of `module` under `prefix`, filled so activations stay bounded (fan-in scaled)."""
    import torch

    tensors = {}
    for name, tensor in module.state_dict().items():
        if name.endswith("position_ids"):
            value = torch.arange(tensor.shape[-1]).expand(tensor.shape).clone()
        elif tensor.ndim <= 1:
            value = torch.ones(tensor.shape) if "norm" in name and name.endswith("weight") else torch.zeros(tensor.shape)
        else:
            fan_in = math.prod(tensor.shape[1:])
            value = torch.randn(tensor.shape, generator=generator) / math.sqrt(fan_in)
        tensors[prefix + name] = value.to(torch.float16).contiguous()
    return tensors


def main(comfyui_dir: str, out_path: str) -> None:
    sys.path.insert(0, comfyui_dir)
    import comfy.cli_args
    import safetensors.torch
    import torch

    comfy.cli_args.args.cpu = True  # before ComfyUI looks for a GPU
    import comfy.model_detection
    import comfy.ops
    import comfy.sd1_clip
    from comfy.ldm.models.autoencoder import AutoencoderKL
    from comfy.ldm.modules.diffusionmodules.openaimodel import UNetModel

    generator = torch.Generator().manual_seed(20260101)
    ops = comfy.ops.manual_cast
    tensors = randomized(UNetModel(**UNET, operations=ops), "model.diffusion_model.", generator)
    tensors |= randomized(comfy.sd1_clip.SDClipModel(), "cond_stage_model.", generator)
    tensors |= randomized(AutoencoderKL(ddconfig=VAE, embed_dim=4), "first_stage_model.", generator)
    detected = comfy.model_detection.model_config_from_unet(tensors, "model.diffusion_model.")
    if type(detected).__name__ != "SD15":
        raise SystemExit(f"ComfyUI would detect this as {type(detected).__name__}, not SD15")
    safetensors.torch.save_file(tensors, out_path)
    print(f"wrote {out_path}: {len(tensors)} tensors, {sum(t.numel() for t in tensors.values()) / 1e6:.0f}M "
          f"parameters, detected as {type(detected).__name__}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
