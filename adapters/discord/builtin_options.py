"""The options of each built-in subcommand, named as the chat grammar names them (adapters/chat/grammar.py)."""
from __future__ import annotations

from dataclasses import replace

from domain.settings import settable_params
from domain.templates import Catalogue
from domain.workflows.collections import MAX_LINK_DAYS

from adapters.discord.options import Option, from_param

MAX_TRAIN_IMAGES = 10  # attachment options of /train add

_collection = Option("collection", "text", "One of your collections, or one shared with you", True,
                     complete="collection")
_dataset = Option("dataset", "text", "Which dataset (default: the one you used last)", complete="dataset")
_number = Option("number", "whole", "The item's number, as listed", True, min=1)
_user = Option("user", "user", "The person", True)

DESCRIPTIONS = {
    ("settings", "show"): "Show your defaults", ("settings", "set"): "Change your defaults",
    ("settings", "reset"): "Go back to the station's defaults",
    ("collections", "create"): "Make a new collection", ("collections", "add"): "Add a result or a model",
    ("collections", "list"): "Your collections", ("collections", "view"): "What a collection holds",
    ("collections", "share"): "Share a collection with someone", ("collections", "unshare"): "Stop sharing it",
    ("collections", "link"): "A link anyone can view it with", ("collections", "remove"): "Take an item out",
    ("collections", "delete"): "Delete a collection",
    ("train", "create"): "Start a new dataset", ("train", "list"): "Your datasets",
    ("train", "view"): "A dataset's images and captions", ("train", "use"): "Make a dataset the current one",
    ("train", "add"): "Add images to a dataset", ("train", "caption"): "Caption an image",
    ("train", "remove"): "Take an image out", ("train", "trigger"): "Set the trigger word",
    ("train", "submit"): "See the price and confirm the training", ("train", "status"): "Your trainings",
    ("train", "cancel"): "Cancel your training; its points come back", ("train", "delete"): "Delete a dataset",
    ("link", "code"): "A one-time code to join another account to this one",
    ("link", "redeem"): "Join this account to the one that made the code",
}


def builtin_options(catalogue: Catalogue) -> dict[tuple[str, str], tuple[Option, ...]]:
    """(command, subcommand) -> its options, in the order Discord shows them."""
    return {
        ("settings", "set"): _settings(catalogue),
        ("settings", "reset"): (Option("names", "words", "Settings to reset, separated by spaces (empty: all)"),),
        ("collections", "create"): (Option("name", "text", "The new collection's name", True, max_length=60),),
        ("collections", "add"): (_collection, Option("item", "text", "A result's job id or a model's name", True)),
        ("collections", "view"): (_collection,),
        ("collections", "share"): (_collection, _user, Option("access", "text", "What they may do (default: view)",
                                                              choices=("view", "edit"))),
        ("collections", "unshare"): (_collection, _user),
        ("collections", "link"): (_collection, Option("days", "number", "How long the link works (default 7)",
                                                      max=MAX_LINK_DAYS)),
        ("collections", "remove"): (_collection, _number),
        ("collections", "delete"): (_collection,),
        ("train", "create"): (Option("name", "text", "Letters, digits, _ or -", True, max_length=40),),
        ("train", "view"): (_dataset,),
        ("train", "use"): (replace(_dataset, required=True),),
        ("train", "add"): _train_images() + (Option("caption", "text", "A caption for these images"), _dataset),
        ("train", "caption"): (_number, Option("text", "text", "The caption", True), _dataset),
        ("train", "remove"): (_number, _dataset),
        ("train", "trigger"): (Option("word", "text", "The word that calls up what the model learned", True),
                               _dataset),
        ("train", "submit"): (_dataset,) + _training(catalogue),
        ("train", "delete"): (replace(_dataset, required=True),),
        ("link", "redeem"): (Option("code", "text", "The code your other account got from /link code", True),),
    }


def _train_images() -> tuple[Option, ...]:
    return tuple(Option(f"image{n}", "file", "An image for the dataset", required=n == 1)
                 for n in range(1, MAX_TRAIN_IMAGES + 1))


def _settings(catalogue: Catalogue) -> tuple[Option, ...]:
    """One optional option per setting, within the bounds of every tool that takes it."""
    options = []
    for _, specs in sorted(settable_params(catalogue.tools()).items()):
        option = from_param(specs[0], required=False)
        lows = [s.min for s in specs if s.min is not None]
        highs = [s.max for s in specs if s.max is not None]
        options.append(replace(option, min=max(lows) if lows else None, max=min(highs) if highs else None))
    return tuple(options)


def _training(catalogue: Catalogue) -> tuple[Option, ...]:
    templates = catalogue.templates("training")
    if not templates:
        return ()
    return tuple(from_param(p, required=False) for p in templates[0].spec.params if p.type != "dataset")
