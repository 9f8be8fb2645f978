"""Output kinds in manifests, how each stored file is shown, the trigger written into captions, and the dataset check."""
import pytest

from domain.blobs import Shown, content_type, shown_as
from domain.catalogue import FollowUp
from domain.dataset_check import Fix, check_dataset
from domain.errors import DomainError
from domain.outputs import OutputKind, keeps
from domain.templates import DatasetNeeds, template_from_documents
from domain.training import Dataset, DatasetImage, DatasetRules

WORKFLOW = {"1": {"class_type": "PreviewAny", "inputs": {"source": "x"}}}


def manifest(**fields):
    return template_from_documents("t", {"outputs": ["1"], **fields}, WORKFLOW)


def test_a_manifest_declares_its_output_kind_and_images_is_the_default():
    assert manifest().spec.output is OutputKind.IMAGES
    assert manifest(output="text").spec.output is OutputKind.TEXT
    assert manifest(kind="training").spec.output is OutputKind.LORA


@pytest.mark.parametrize("fields, words", [({"output": "sound"}, "is not one of images, animation"),
                                           ({"output": "lora"}, "goes with kind 'training'"),
                                           ({"kind": "training", "output": "images"}, "goes with kind 'training'"),
                                           ({"make_with": "txt2img"}, "whose output is 'text'")])
def test_a_wrong_output_declaration_is_refused_saying_what_is_allowed(fields, words):
    with pytest.raises(DomainError, match=words):
        manifest(**fields)


def test_a_text_result_offers_a_picture_made_from_it_and_follow_ups_must_fit_the_output_kind():
    prompt = {"name": "prompt", "type": "text", "targets": [["1", "source"]]}
    seed = {"name": "seed", "type": "seed", "targets": [["1", "source"]]}
    text = {"output": "text", "make_with": "txt2img"}
    assert manifest(**text).spec.follow_ups == (FollowUp.MAKE,)  # by default: a picture from its words
    assert manifest(**text, params=[seed]).spec.follow_ups == (FollowUp.REROLL, FollowUp.MAKE)
    assert manifest(output="text").spec.follow_ups == ()  # no tool named to make pictures with
    assert manifest(output="animation", params=[seed]).spec.follow_ups == (FollowUp.REROLL,)
    assert manifest(**text, params=[prompt], follow_ups=["make", "mine"]).spec.follow_ups == (FollowUp.MAKE,
                                                                                              FollowUp.MINE)
    for fields, words in [({"output": "text", "follow_ups": ["make"]}, "need make_with"),
                          ({**text, "follow_ups": ["mine"]}, "'mine' needs a text parameter"),
                          ({**text, "params": [prompt], "follow_ups": ["vary"]}, "'vary' needs output 'images'"),
                          ({"output": "video", "follow_ups": ["upscale"]}, "'upscale' needs output 'images'"),
                          ({"follow_ups": ["make"]}, "'make' needs output 'text'")]:
        with pytest.raises(DomainError, match=words):
            manifest(**fields)


def test_a_pack_declaration_names_the_node_types_it_provides():
    template = manifest(packs=[{"name": "P", "url": "u", "nodes": ["PreviewAny"]}])
    assert template.pack_of("PreviewAny").name == "P" and template.pack_of("SaveImage") is None


@pytest.mark.parametrize("kind, name, kept", [(OutputKind.IMAGES, "a_00001_.png", True),
                                              (OutputKind.IMAGES, "v_00001_.webm", False),
                                              (OutputKind.ANIMATION, "a_00001_.webp", True),
                                              (OutputKind.VIDEO, "v_00001_.webm", True),
                                              (OutputKind.VIDEO, "preview_00001_.png", False),
                                              (OutputKind.LORA, "x.safetensors", True)])
def test_each_kind_keeps_only_its_own_files(kind, name, kept):
    assert keeps(kind, name) is kept


@pytest.mark.parametrize("key, shown, kind", [("results/j/0.png", Shown.IMAGE, "image/png"),
                                              ("results/j/0.webp", Shown.IMAGE, "image/webp"),
                                              ("results/j/0.gif", Shown.IMAGE, "image/gif"),
                                              ("results/j/0.webm", Shown.VIDEO, "video/webm"),
                                              ("results/j/0.mp4", Shown.VIDEO, "video/mp4"),
                                              ("results/j/0.txt", Shown.TEXT, "text/plain; charset=utf-8"),
                                              ("results/j/0.safetensors", Shown.FILE, "application/octet-stream")])
def test_every_face_shows_a_stored_file_by_one_rule(key, shown, kind):
    assert shown_as(key) is shown and content_type(key.rsplit(".", 1)[1]) == kind


def dataset(captions=("a cat", "a dog"), trigger="", prefix="", sizes=None):
    images = tuple(DatasetImage(blob=f"b{n}", caption=c, width=(sizes or {}).get(n, 512), height=512)
                   for n, c in enumerate(captions))
    return Dataset(id="d", owner="o", name="pets", created_at=0, images=images, trigger=trigger, prefix=prefix)


def test_setting_the_trigger_writes_it_into_every_caption_and_renaming_it_renames_it_there():
    named = dataset().with_trigger("zorb")
    assert [i.caption for i in named.images] == ["zorb, a cat", "zorb, a dog"]
    assert [i.caption for i in named.with_trigger("blip").images] == ["blip, a cat", "blip, a dog"]


def test_a_caption_that_already_names_the_trigger_is_left_as_written():
    assert dataset(trigger="zorb").caption(1, "a photo of Zorb asleep").images[0].caption == "a photo of Zorb asleep"


def test_a_new_prefix_replaces_the_old_one_and_an_empty_caption_stays_empty():
    changed = dataset(("zorb, a cat", ""), trigger="zorb").with_prefix("a photo of zorb, ")
    assert [i.caption for i in changed.images] == ["a photo of zorb, a cat", ""]
    with pytest.raises(DomainError, match="at most 100"):
        changed.with_prefix("x" * 101)


def test_the_check_finds_missing_triggers_and_the_fix_writes_them():
    old = dataset(("a cat", "a dog", "zorb here", "x"), trigger="zorb")  # captions stored before the trigger rule
    [finding] = check_dataset(old, DatasetRules())
    assert (finding.fix, finding.images) == (Fix.TRIGGER, (1, 2, 4))
    assert check_dataset(old.write_trigger(), DatasetRules()) == []


def test_the_check_names_small_pictures_too_few_for_the_template_and_near_duplicates():
    prints = [0x0F0F << 24 | 0x808080, 0x0F0E << 24 | 0x818181, 0xF0F0 << 24 | 0x808080, 0x0F0F << 24 | 0x10A0F0]
    found = check_dataset(dataset(("zorb, a",) * 4, "zorb", sizes={2: 100}), DatasetRules(),
                          DatasetNeeds(min_images=6, min_side=256), prints)
    assert [(f.fix, f.images) for f in found] == [(None, ()), (Fix.REMOVE, (3,)), (Fix.REMOVE, (2,))]
    assert found[0].text == "it has 4 images; at least 6 are needed (add 2 more)"
    assert found[1].text == "image 3 is smaller than 256 pixels on a side"
    assert found[2].text == "image 2 is nearly the same as an earlier one"  # same shape and colour as 1; 4 differs
