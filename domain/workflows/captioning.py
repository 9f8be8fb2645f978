"""Caption a dataset: one caption template over its pictures, one quote for the set, one charged job per picture."""
from __future__ import annotations

from dataclasses import dataclass

from domain.errors import DomainError, InsufficientPoints
from domain.jobs import Job, JobKind
from domain.reply import ReplyTo
from domain.templates import Catalogue, Template
from domain.training import Dataset
from domain.workflows.make_image import MakeImage, Quote
from domain.workflows.points import Points
from domain.workflows.train_model import TrainModel
from ports.clock import Ids

BATCH = "caption:"  # a caption job's action names its set, so the set can be told about once


@dataclass(frozen=True)
class CaptionQuote:
    tool: str
    dataset: str
    numbers: tuple[int, ...]
    quotes: tuple[Quote, ...]
    balance: int

    @property
    def price(self) -> int:
        return sum(q.price for q in self.quotes)

    @property
    def affordable(self) -> bool:
        return self.balance >= self.price


class Captioning:
    def __init__(self, catalogue: Catalogue, training: TrainModel, make_image: MakeImage, points: Points, ids: Ids):
        self.catalogue, self.training, self.make_image, self.points, self.ids = \
            catalogue, training, make_image, points, ids

    def captioner(self, tool: str | None = None) -> Template:
        """The named caption template, or the station's own (one called 'caption' first)."""
        found = sorted(self.catalogue.captioners(), key=lambda t: t.name != "caption")
        template = self.catalogue.get(tool) if tool else found[0] if found else None
        if template is None or not template.spec.captions:
            names = ", ".join(t.name for t in found) or "none on this station"
            raise DomainError(f"Captions come from a template that turns a picture into words: {names}.")
        return template

    async def quote(self, owner: str, name: str, tool: str | None = None,
                    numbers: tuple[int, ...] | None = None) -> CaptionQuote:
        """The price of captioning these pictures (all of them by default), one quote for the whole set."""
        dataset = await self.training.dataset(owner, name)
        template, chosen = self.captioner(tool), numbers or tuple(range(1, len(dataset.images) + 1))
        if not chosen:
            raise DomainError(f"Dataset '{dataset.name}' has no pictures to caption yet.")
        image_param = template.spec.image_param
        assert image_param is not None  # a captioner takes a picture
        quotes = [await self.make_image.quote(owner, template.name, {image_param.name: _picture(dataset, n)})
                  for n in chosen]
        return CaptionQuote(template.name, dataset.name, tuple(chosen), tuple(quotes),
                            await self.points.balance(owner))

    async def start(self, owner: str, quote: CaptionQuote, origin: ReplyTo, request_key: str | None = None
                    ) -> list[Job]:
        """Charge and queue one job per picture, at the quoted prices; the same request twice makes nothing new.
        The set is one request to the user's in-flight limit (the queue stays fair: it takes turns between users)."""
        balance = await self.points.balance(owner)
        if balance < quote.price:
            raise InsufficientPoints(balance=balance, price=quote.price)
        batch = request_key or self.ids.new_id()
        jobs: list[Job] = []
        for number, each in zip(quote.numbers, quote.quotes):
            jobs.append(await self.make_image.submit_quote(
                owner, each, origin, request_key=f"{BATCH}{batch}:{number}", kind=JobKind.CAPTION,
                action=f"{BATCH}{batch}", check_room=not jobs))
        return jobs


def _picture(dataset: Dataset, number: int) -> str:
    if not 1 <= number <= len(dataset.images):
        raise DomainError(f"There is no image {number}: dataset '{dataset.name}' has images 1 to "
                          f"{len(dataset.images)}.")
    return dataset.images[number - 1].blob
