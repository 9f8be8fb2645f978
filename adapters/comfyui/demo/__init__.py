"""The demo worker: a small built-in ComfyUI look-alike that draws labelled demo pictures (`stationthis run --demo`).

It speaks the HTTP and websocket API the station's engine client uses, runs every shipped template with Pillow
instead of a model, trains "LoRAs" that really change its pictures, and serves the worker extension's LoRA
delivery route. Nothing it makes comes from a real model, and every picture says so.
"""
from adapters.comfyui.demo.worker import DemoWorker

__all__ = ["DemoWorker"]
