"""How job notices read in a chat: status lines, progress bars, result captions and their buttons."""
from __future__ import annotations

from domain.jobs import Job
from ports.notifier import Notice

from adapters.chat.messages import Button, Reply

CAPTION_LIMIT = 1000


def progress_bar(percent: float, width: int = 12) -> str:
    filled = int(round(width * max(0.0, min(percent, 100.0)) / 100))
    return "█" * filled + "░" * (width - filled)


def result_buttons(job: Job) -> tuple[Button, ...]:
    if job.kind == "training":
        return ()
    return (Button("🎲 Reroll", f"r:{job.id}"), Button("✨ Vary", f"v:{job.id}"),
            Button("🔍 Upscale", f"u:{job.id}"), Button("💾 Save", f"s:{job.id}"),
            Button("📄 Full size", f"f:{job.id}"))


def caption(job: Job) -> str:
    prompt = job.params.get("prompt") or ""
    parts = [f"/{job.tool}"]
    if prompt:
        parts.append(f"“{prompt[:600]}”")
    if "seed" in job.params:
        parts.append(f"seed {job.params['seed']}")
    parts.append(f"cost {job.price} points")
    return " · ".join(parts)[:CAPTION_LIMIT]


def render_notice(notice: Notice) -> Reply:
    job = notice.job
    kind = notice.kind
    if kind == "queued":
        where = f"you are #{notice.position} in line" if notice.position else "starting now"
        return Reply(f"⏳ /{job.tool} queued: {where}. Cost {job.price} points. /cancel to stop it.")
    if kind == "progress":
        p = job.progress
        steps = f" · step {p.step}/{p.total}" if p.total else ""
        return Reply(f"🎨 /{job.tool} running {progress_bar(p.percent)} {p.percent:.0f}%{steps}"
                     + (f" · {p.message}" if p.message and p.message != "done" else ""))
    if kind == "succeeded":
        if job.kind == "training":
            name = job.params.get("model_name", "your model")
            return Reply(f"✅ Training finished: model '{name}' is ready. Use it with /txt2img … lora={name}")
        return Reply(caption(job), buttons=result_buttons(job))
    if kind in ("failed", "cancelled"):
        refund = f" Your {job.price} points were refunded." if job.refunded else ""
        verb = "failed" if kind == "failed" else "was cancelled"
        return Reply(f"❌ /{job.tool} {verb}: {job.error or kind}.{refund}")
    return Reply(notice.text)
