"""The shipped templates declare what their results offer next."""
from pathlib import Path

from adapters.templates.folder import load_templates
from domain.catalogue import FollowUp

SHIPPED = Path(__file__).resolve().parents[2] / "templates"


def test_shipped_upscales_offer_nothing_next_and_image_makers_offer_all_three():
    declared = {t.name: t.spec.follow_ups for t in load_templates(SHIPPED)}
    assert declared["upscale"] == declared["upscale_simple"] == ()
    assert declared["txt2img"] == declared["img2img"] == (FollowUp.REROLL, FollowUp.VARY, FollowUp.UPSCALE)
    assert declared["train_lora"] == ()
