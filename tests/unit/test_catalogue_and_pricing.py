"""Parameters are parsed and validated once, and priced by one rule."""
import pytest

from domain.catalogue import ParamSpec, ToolSpec, parse_arguments
from domain.errors import DomainError, InvalidParameter
from domain.pricing import PriceRule, PriceTerm

TOOL = ToolSpec(name="txt2img", title="t", description="d", kind="image", params=(
    ParamSpec("prompt", "text", required=True, max_length=50),
    ParamSpec("steps", "int", default=20, min=1, max=100),
    ParamSpec("cfg", "float", default=7.0, min=1, max=20),
    ParamSpec("sampler", "choice", default="euler", choices=("euler", "dpmpp_2m")),
    ParamSpec("seed", "seed"),
), price=PriceRule(base=2, terms=(PriceTerm(rate=0.1, per=("steps",)),)))


def test_key_values_are_split_from_free_text():
    assert parse_arguments('a red fox steps=30 negative="blurry, dark" seed=7') == (
        "a red fox", {"steps": "30", "negative": "blurry, dark", "seed": "7"})


def test_values_are_typed_and_defaults_filled():
    values = TOOL.validate({"prompt": "fox", "steps": "30"})
    assert values == {"prompt": "fox", "steps": 30, "cfg": 7.0, "sampler": "euler", "seed": None}


def test_user_settings_fill_what_the_user_did_not_give():
    assert TOOL.validate({"prompt": "fox"}, {"steps": 40})["steps"] == 40


@pytest.mark.parametrize("raw, message", [
    ({"prompt": "x", "steps": "abc"}, "steps: must be a whole number from 1 to 100, got 'abc'"),
    ({"prompt": "x", "steps": "500"}, "steps: must be a whole number from 1 to 100, got 500"),
    ({"prompt": "x", "cfg": "nan"}, "cfg: must be a number from 1 to 20"),
    ({"prompt": "x", "sampler": "magic"}, "sampler: must be one of euler, dpmpp_2m"),
    ({"prompt": "x", "seed": "-1"}, "seed: must be a whole number from 0 to 4294967295"),
    ({"prompt": "x", "colour": "red"}, "colour: is not a parameter of /txt2img. Allowed: prompt, steps"),
    ({}, "prompt: is required"),
    ({"prompt": "x" * 51}, "prompt: is 51 characters long; at most 50"),
])
def test_each_bad_value_gets_a_message_naming_the_parameter_and_what_is_allowed(raw, message):
    with pytest.raises(InvalidParameter) as error:
        TOOL.validate(raw)
    assert message in str(error.value)


def test_a_bool_is_not_a_whole_number():
    with pytest.raises(InvalidParameter):
        TOOL.validate({"prompt": "x", "steps": True})


def test_the_price_is_base_plus_terms_rounded_up():
    assert TOOL.price.quote({"steps": 20}) == 4
    assert TOOL.price.quote({"steps": 21}) == 5


def test_megapixels_is_a_derived_price_quantity():
    rule = PriceRule(base=1, terms=(PriceTerm(rate=0.5, per=("megapixels", "steps")),))
    assert rule.quote({"width": 1000, "height": 1000, "steps": 10}) == 6


def test_a_price_term_naming_an_unknown_parameter_is_refused():
    with pytest.raises(DomainError, match="unknown parameters"):
        PriceRule.from_manifest({"base": 1, "terms": [{"rate": 1, "per": ["nope"]}]}, {"steps"})
