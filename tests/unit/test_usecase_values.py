"""The domain's value types that every face shares: blob keys, numbers, reply addresses, visibility, the grammar."""
import pytest

from adapters.chat.builtin_commands import BUILTINS
from adapters.chat.grammar import parse_builtin
from domain.blobs import BlobArea, BlobKey, first_image, is_image
from domain.collections import Collection
from domain.errors import DomainError, InvalidParameter, NotFound
from domain.numbers import number, whole_number
from domain.reply import ReplyTo
from domain.training import Model


def test_a_blob_key_is_built_by_its_constructor_and_read_back_by_the_parser():
    key = BlobKey.result("job1", 0, "png")
    assert str(key) == "results/job1/0.png" and BlobKey.parse(str(key)) == key
    assert key.is_image and key.content_type == "image/png"
    assert BlobKey.parse(str(BlobKey.input("u1", "f", "jpg"))).area is BlobArea.INPUTS


@pytest.mark.parametrize("text", ["", "results/job1", "secrets/a/b.png", "results//0.png", "results/a/.x",
                                  "results/a/b/c.png", "../results/a/0.png"])
def test_anything_that_is_not_one_of_our_keys_is_not_found_alike(text):
    with pytest.raises(NotFound, match="There is no such file."):
        BlobKey.parse(text)


def test_is_an_image_is_one_rule_by_extension():
    assert is_image("results/j/0.PNG") and is_image("inputs/u/x.webp") and not is_image("results/j/0.safetensors")
    assert first_image(("results/j/0.safetensors", "results/j/1.jpg")) == "results/j/1.jpg"
    assert first_image(("results/j/0.bin",)) is None


@pytest.mark.parametrize("raw, expected", [("3", 3), (" 12 ", 12), (4, 4), (5.0, 5)])
def test_whole_numbers_are_read_from_text_or_numbers(raw, expected):
    assert whole_number(raw, "number") == expected


@pytest.mark.parametrize("raw", ["abc", "", None, 2.5, True, "1e3x"])
def test_a_whole_number_that_is_not_one_names_the_field_and_gives_an_example(raw):
    with pytest.raises(InvalidParameter, match=r"^number: must be a whole number, e\.g\. 3; got"):
        whole_number(raw, "number")


@pytest.mark.parametrize("raw", ["nan", "inf", "seven", False])
def test_a_number_must_be_finite(raw):
    with pytest.raises(InvalidParameter, match="days: must be a number"):
        number(raw, "days")


def test_a_reply_address_is_frozen_and_reads_older_plain_records():
    address = ReplyTo.of("telegram", chat_id=5, reply_to=None)
    assert address.get("chat_id") == "5" and address.get("reply_to") is None
    assert ReplyTo.from_record({"platform": "telegram", "address": [["chat_id", "5"]]}) == address
    legacy = ReplyTo.from_record({"platform": "discord", "channel_id": "9", "token": "SECRET", "long": True,
                                  "action": "reroll"})
    assert legacy == ReplyTo.of("discord", channel_id="9")
    with pytest.raises(AttributeError):
        address.platform = "web"


def test_private_drops_every_share_and_link_at_once_and_a_new_link_is_new():
    shared = Collection(id="c", owner="o", name="n", created_at=0).share("u", "view").with_link("old", 100)
    assert shared.can_view("u", 0) and shared.can_view(None, 0, token="old")
    private = shared.with_visibility("private")
    assert not private.can_view("u", 0) and not private.can_view(None, 0, token="old")
    assert private.shared_with == {} and private.link_token is None
    again = private.with_link("new", 100)
    assert again.can_view(None, 0, token="new") and not again.can_view(None, 0, token="old")


def test_models_follow_the_same_rule_but_have_no_links():
    model = Model(id="m", owner="o", name="n", blob="results/j/0.safetensors", filename="f", trigger="t",
                  created_at=0).share("u")
    assert model.can_view("u", 0) and not model.with_visibility("private").can_view("u", 0)
    with pytest.raises(DomainError, match="use private, shared, public"):
        model.with_visibility("link")


def test_nobody_shares_with_themselves():
    with pytest.raises(DomainError):
        Collection(id="c", owner="o", name="n", created_at=0).share("o", "view")


@pytest.mark.parametrize("command, text, sub, options", [
    ("train", "caption 3 a cat on a sofa", "caption", {"number": "3", "text": "a cat on a sofa"}),
    ("train", "", "list", {}),
    ("train", "submit kitty steps=50", "submit", {"dataset": "kitty", "steps": "50"}),
    ("settings", "steps=30 cfg=6", "set", {"steps": "30", "cfg": "6"}),
    ("settings", "reset steps cfg", "reset", {"names": ["steps", "cfg"]}),
    ("link", "ABCD-EFGH", "redeem", {"code": "ABCD-EFGH"}),
    ("link", "", "code", {}),
    ("collections", "share Foxes telegram:2 edit", "share", {"collection": "Foxes", "user": "telegram:2",
                                                             "access": "edit"}),
])
def test_the_chat_grammar_is_derived_from_the_registry(command, text, sub, options):
    parsed_sub, parsed = parse_builtin(BUILTINS.get(command), text)
    assert (parsed_sub.name, parsed) == (sub, options)


def test_usage_text_comes_from_the_same_declarations():
    usage = BUILTINS.get("train").usage()
    assert "/train caption NUMBER TEXT" in usage and "/train submit [DATASET] key=value…" in usage
    assert all(f"/train {sub.name}" in usage for sub in BUILTINS.get("train").subs)


def test_an_unknown_subcommand_lists_the_usage():
    with pytest.raises(DomainError, match="Unknown /train subcommand 'fly'. Use: /train create NAME"):
        parse_builtin(BUILTINS.get("train"), "fly away")
