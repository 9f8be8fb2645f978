"""How job notices read in a chat: status lines in plain words, result captions, and buttons priced as they act."""
from __future__ import annotations

from typing import assert_never

from adapters.chat.dialects import dialect
from adapters.chat.messages import Button, ButtonAction, Reply
from domain.blobs import is_image
from domain.catalogue import FollowUp
from domain.jobs import Job
from domain.outputs import OutputKind
from domain.quotes import PendingQuote
from domain.wording import Failure, outcome, progress
from domain.workflows.follow_ups import Offer
from ports.notifier import Notice, NoticeKind

CAPTION_LIMIT = 1000
_OFFERED = {FollowUp.REROLL: ("🎲 Reroll", ButtonAction.REROLL), FollowUp.VARY: ("✨ Vary", ButtonAction.VARY),
            FollowUp.UPSCALE: ("🔍 Upscale", ButtonAction.UPSCALE), FollowUp.RETRY: ("🔁 Try again", ButtonAction.RETRY),
            FollowUp.MAKE: ("🎨 Make with this prompt", ButtonAction.MAKE), FollowUp.MINE: ("✍️ Use mine", ButtonAction.MINE)}
MAKE_IT = "🎨 Make it"  # MAKE beside MINE: a prompt assistant's choice between its words and the user's


def progress_bar(percent: float, width: int = 10) -> str:
    filled = int(round(width * max(0.0, min(percent, 100.0)) / 100))
    return "█" * filled + "░" * (width - filled)


def offer_buttons(job: Job, offers: list[Offer]) -> tuple[Button, ...]:
    """Paid work shows its price on the button; the button carries it, so a changed price is asked about."""
    mine = any(o.action is FollowUp.MINE for o in offers)
    return tuple(Button.of(f"{MAKE_IT if mine and o.action is FollowUp.MAKE else _OFFERED[o.action][0]} · {o.price}",
                           _OFFERED[o.action][1], f"{job.id}:{o.price}") for o in offers)


def result_buttons(job: Job, offers: list[Offer]) -> tuple[Button, ...]:
    if job.long:
        return ()
    pictures = job.outputs if job.output is OutputKind.IMAGES else ()  # an animation, a video, words: no full size
    count = sum(is_image(key) for key in pictures)
    full_size = tuple(Button.of(f"📄 Full size {n}", ButtonAction.FULL_SIZE, f"{job.id}:{n}")
                      for n in range(1, count + 1)) if count > 1 else (
        Button.of("📄 Full size", ButtonAction.FULL_SIZE, job.id),) if count else ()
    return (*offer_buttons(job, offers), Button.of("💾 Save", ButtonAction.SAVE, job.id), *full_size)


def status_buttons(job: Job) -> tuple[Button, ...]:
    """Stop, on the status message of work that is not finished (training stops with /train cancel)."""
    return () if job.long or job.terminal else (Button.of("⏹ Stop", ButtonAction.STOP, job.id),)


def caption(job: Job) -> str:
    prompt = job.params.get("prompt") or ""
    parts = [f"/{job.tool}"]
    if prompt:
        parts.append(f"“{prompt[:600]}”")
    if "seed" in job.params:
        parts.append(f"seed {job.params['seed']}")
    parts.append(f"cost {job.price} points")
    return " · ".join(parts)[:CAPTION_LIMIT]


def status_text(notice: Notice) -> str:
    """The status message: what the job costs and how far it is, in words."""
    job = notice.job
    if job is None:
        return notice.text
    if notice.kind is NoticeKind.QUEUED:
        return f"⏳ /{job.tool} queued · {job.price} points · {progress(job, notice.position, notice.wait)}"
    percent = job.progress.percent
    return f"🎨 /{job.tool} running {progress_bar(percent)} {percent:.0f}% · {progress(job)}"


def final_reply(notice: Notice, offers: list[Offer]) -> Reply:
    """A job's last word: its result with buttons, or why it has none (with a retry where one is offered)."""
    job, kind = notice.job, notice.kind
    if job is None or kind is NoticeKind.TEXT:
        return Reply(notice.text)
    if kind is NoticeKind.SUCCEEDED:
        if job.long:
            name = job.params.get("model_name", "your model")
            use = dialect(job.origin.platform).option("lora", name)
            return Reply(f"✅ Training finished: model '{name}' is ready. Use it with /txt2img … {use}")
        return Reply(caption(job), buttons=result_buttons(job, offers))
    if kind is NoticeKind.FAILED or kind is NoticeKind.CANCELLED:
        said = {NoticeKind.FAILED: f"❌ /{job.tool} failed: ", NoticeKind.CANCELLED: f"✖ /{job.tool} cancelled: "}
        told = f"✖ /{job.tool} " if job.failure == Failure.CANCELLED_BY_YOU else said[kind]
        return Reply(told + outcome(job), buttons=offer_buttons(job, offers))
    if kind is NoticeKind.QUEUED or kind is NoticeKind.PROGRESS:
        return Reply(status_text(notice))
    assert_never(kind)


def price_question(quote: PendingQuote) -> Reply:
    """Asked before paid work above the user's threshold: the price, and the balance it leaves."""
    return Reply(f"💳 /{quote.tool} costs {quote.price} points: you have {quote.balance}, {quote.balance - quote.price} "
                 "after. Start it?",
                 buttons=(Button.of(f"✅ Pay {quote.price} points", ButtonAction.CONFIRM_PRICE, quote.id),
                          Button.of("✖ Cancel", ButtonAction.DISCARD_PRICE, quote.id)))
