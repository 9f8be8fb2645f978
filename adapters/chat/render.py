"""How job notices read in a chat: status lines, progress bars, result captions and their buttons."""
from __future__ import annotations

from typing import assert_never

from adapters.chat.messages import Button, ButtonAction, Reply
from domain.blobs import is_image
from domain.jobs import Job
from ports.notifier import Notice, NoticeKind

CAPTION_LIMIT = 1000


def progress_bar(percent: float, width: int = 12) -> str:
    filled = int(round(width * max(0.0, min(percent, 100.0)) / 100))
    return "█" * filled + "░" * (width - filled)


def result_buttons(job: Job) -> tuple[Button, ...]:
    if job.long:
        return ()
    count = sum(is_image(key) for key in job.outputs)
    full_size = tuple(Button.of(f"📄 Full size {n}", ButtonAction.FULL_SIZE, f"{job.id}:{n}")
                      for n in range(1, count + 1)) if count > 1 else (
        Button.of("📄 Full size", ButtonAction.FULL_SIZE, job.id),)
    return (Button.of("🎲 Reroll", ButtonAction.REROLL, job.id), Button.of("✨ Vary", ButtonAction.VARY, job.id),
            Button.of("🔍 Upscale", ButtonAction.UPSCALE, job.id), Button.of("💾 Save", ButtonAction.SAVE, job.id),
            *full_size)


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
    job, kind = notice.job, notice.kind
    if job is None or kind is NoticeKind.TEXT:
        return Reply(notice.text)
    if kind is NoticeKind.QUEUED:
        where = f"you are #{notice.position} in line" if notice.position else "starting now"
        return Reply(f"⏳ /{job.tool} queued: {where}. Cost {job.price} points. /cancel to stop it.")
    if kind is NoticeKind.PROGRESS:
        p = job.progress
        steps = f" · step {p.step}/{p.total}" if p.total else ""
        return Reply(f"🎨 /{job.tool} running {progress_bar(p.percent)} {p.percent:.0f}%{steps}"
                     + (f" · {p.message}" if p.message and p.message != "done" else ""))
    if kind is NoticeKind.SUCCEEDED:
        if job.long:
            name = job.params.get("model_name", "your model")
            return Reply(f"✅ Training finished: model '{name}' is ready. Use it with /txt2img … lora={name}")
        return Reply(caption(job), buttons=result_buttons(job))
    if kind is NoticeKind.FAILED or kind is NoticeKind.CANCELLED:
        refund = f" Your {job.price} points were refunded." if job.refunded else ""
        verb = "failed" if kind is NoticeKind.FAILED else "was cancelled"
        return Reply(f"❌ /{job.tool} {verb}: {job.error or kind.value}.{refund}")
    assert_never(kind)
