"""A protocol-faithful stand-in ComfyUI server (HTTP + WebSocket) for tests and benchmarks."""
from .standin import ComfyUIStandin

__all__ = ["ComfyUIStandin"]
