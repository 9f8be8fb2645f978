"""Loader, text-encoder, latent, KSampler and VAE nodes: the txt2img path, with real pixels."""
from __future__ import annotations

from PIL import Image

from .context import NodeContext
from .pixels import render
from .schema import NodeSpec

MAX_RESOLUTION = 16384
SAMPLERS = [
    "euler", "euler_cfg_pp", "euler_ancestral", "euler_ancestral_cfg_pp", "heun", "heunpp2", "dpm_2",
    "dpm_2_ancestral", "lms", "dpm_fast", "dpm_adaptive", "dpmpp_2s_ancestral", "dpmpp_2s_ancestral_cfg_pp",
    "dpmpp_sde", "dpmpp_sde_gpu", "dpmpp_2m", "dpmpp_2m_cfg_pp", "dpmpp_2m_sde", "dpmpp_2m_sde_gpu",
    "dpmpp_2m_sde_heun", "dpmpp_2m_sde_heun_gpu", "dpmpp_3m_sde", "dpmpp_3m_sde_gpu", "ddpm", "lcm", "ipndm",
    "ipndm_v", "deis", "res_multistep", "res_multistep_cfg_pp", "res_multistep_ancestral",
    "res_multistep_ancestral_cfg_pp", "gradient_estimation", "gradient_estimation_cfg_pp", "er_sde", "seeds_2",
    "seeds_3", "sa_solver", "sa_solver_pece", "ddim", "uni_pc", "uni_pc_bh2",
]
SCHEDULERS = ["simple", "sgm_uniform", "karras", "exponential", "ddim_uniform", "beta", "normal",
              "linear_quadratic", "kl_optimal"]
STRENGTH = {"default": 1.0, "min": -100.0, "max": 100.0, "step": 0.01}


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
        await ctx.progress(step + 1, steps)
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


SPECS = [
    NodeSpec("CheckpointLoaderSimple", "Load Checkpoint", "loaders", load_checkpoint,
             required={"ckpt_name": (lambda env: env.model_list("checkpoints"),
                                     {"tooltip": "The name of the checkpoint (model) to load."})},
             outputs=("MODEL", "CLIP", "VAE"),
             output_tooltips=("The model used for denoising latents.",
                              "The CLIP model used for encoding text prompts.",
                              "The VAE model used for encoding and decoding images to and from latent space."),
             description="Loads a diffusion model checkpoint, diffusion models are used to denoise latents."),
    NodeSpec("LoraLoader", "Load LoRA", "loaders", load_lora,
             required={"model": ("MODEL",), "clip": ("CLIP",),
                       "lora_name": (lambda env: env.model_list("loras"), {"tooltip": "The name of the LoRA."}),
                       "strength_model": ("FLOAT", STRENGTH), "strength_clip": ("FLOAT", STRENGTH)},
             outputs=("MODEL", "CLIP"),
             description="LoRAs are used to modify diffusion and CLIP models, altering the way in which "
                         "latents are denoised such as applying styles. Multiple LoRA nodes can be linked together."),
    NodeSpec("CLIPTextEncode", "CLIP Text Encode (Prompt)", "conditioning", encode,
             required={"text": ("STRING", {"multiline": True, "dynamicPrompts": True}), "clip": ("CLIP",)},
             outputs=("CONDITIONING",)),
    NodeSpec("EmptyLatentImage", "Empty Latent Image", "latent", empty_latent,
             required={"width": ("INT", {"default": 512, "min": 16, "max": MAX_RESOLUTION, "step": 8}),
                       "height": ("INT", {"default": 512, "min": 16, "max": MAX_RESOLUTION, "step": 8}),
                       "batch_size": ("INT", {"default": 1, "min": 1, "max": 4096})},
             outputs=("LATENT",),
             description="Create a new batch of empty latent images to be denoised via sampling."),
    NodeSpec("KSampler", "KSampler", "sampling", sample,
             required={"model": ("MODEL",),
                       "seed": ("INT", {"default": 0, "min": 0, "max": 0xffffffffffffffff,
                                        "control_after_generate": True}),
                       "steps": ("INT", {"default": 20, "min": 1, "max": 10000}),
                       "cfg": ("FLOAT", {"default": 8.0, "min": 0.0, "max": 100.0, "step": 0.1, "round": 0.01}),
                       "sampler_name": (SAMPLERS,), "scheduler": (SCHEDULERS,),
                       "positive": ("CONDITIONING",), "negative": ("CONDITIONING",), "latent_image": ("LATENT",),
                       "denoise": ("FLOAT", {"default": 1.0, "min": 0.0, "max": 1.0, "step": 0.01})},
             outputs=("LATENT",),
             description="Uses the provided model, positive and negative conditioning to denoise the latent image."),
    NodeSpec("VAEDecode", "VAE Decode", "latent", decode,
             required={"samples": ("LATENT",), "vae": ("VAE",)}, outputs=("IMAGE",),
             description="Decodes latent images back into pixel space images."),
    NodeSpec("VAEEncode", "VAE Encode", "latent", vae_encode,
             required={"pixels": ("IMAGE",), "vae": ("VAE",)}, outputs=("LATENT",)),
]
