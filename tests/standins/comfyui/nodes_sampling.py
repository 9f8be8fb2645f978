"""Loader, text-encoder, latent, KSampler and VAE nodes: the txt2img path, with real pixels."""
from __future__ import annotations

from PIL import Image

from .context import NodeContext
from .pixels import render
from .schema import NodeRun


async def load_checkpoint(ctx: NodeContext, ckpt_name):
    return ({"ckpt": ckpt_name, "loras": ()}, {"ckpt": ckpt_name, "loras": ()}, {"vae": ckpt_name}), None


async def load_lora(ctx: NodeContext, model, clip, lora_name, strength_model, strength_clip):
    if strength_model == 0 and strength_clip == 0:
        return (model, clip), None
    patched_model = {**model, "loras": (*model["loras"], (lora_name, strength_model))}
    patched_clip = {**clip, "loras": (*clip["loras"], (lora_name, strength_clip))}
    return (patched_model, patched_clip), None


async def encode(ctx: NodeContext, text, clip):
    return ([{"text": text, "clip": clip}],), None


async def empty_latent(ctx: NodeContext, width, height, batch_size):
    return ({"samples": [Image.new("RGB", (width, height)) for _ in range(batch_size)]},), None


async def sample(ctx: NodeContext, model, seed, steps, cfg, sampler_name, scheduler, positive, negative,
                 latent_image, denoise):
    """One `progress` per step; the picture depends on every setting, so a new seed gives new pixels."""
    for step in range(steps):
        await ctx.step()
        await ctx.progress(step + 1, steps, preview=True)
    texts = "|".join(c["text"] for c in positive) + "||" + "|".join(c["text"] for c in negative)
    settings = f"{model}|{steps}|{cfg}|{sampler_name}|{scheduler}|{texts}"
    images = []
    for index, source in enumerate(latent_image["samples"]):
        picture = render(f"{seed}:{index}|{settings}", source.size)
        images.append(Image.blend(source, picture, denoise))
    return ({"samples": images},), None


async def decode(ctx: NodeContext, samples, vae):
    return ([image.copy() for image in samples["samples"]],), None


async def vae_encode(ctx: NodeContext, pixels, vae):
    return ({"samples": [image.copy() for image in pixels]},), None


RUNS = [
    NodeRun("CheckpointLoaderSimple", load_checkpoint), NodeRun("LoraLoader", load_lora),
    NodeRun("CLIPTextEncode", encode), NodeRun("EmptyLatentImage", empty_latent), NodeRun("KSampler", sample),
    NodeRun("VAEDecode", decode), NodeRun("VAEEncode", vae_encode),
]
