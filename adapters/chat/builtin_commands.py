"""Every built-in command and subcommand, declared once: menus, usage, grammar, Discord options and dispatch follow."""
from __future__ import annotations

from dataclasses import replace

from adapters.chat import builtins, collections, dataset_fixes, training
from adapters.chat.options import Option, from_param
from adapters.chat.registry import Builtin, Registry, Sub
from domain.settings import settable_params
from domain.templates import Catalogue
from domain.workflows.collections import MAX_LINK_DAYS

MAX_TRAIN_IMAGES = 10  # images one typed /train add takes

_collection = Option("collection", "text", "One of your collections, or one shared with you", True,
                     complete="collection")
_dataset = Option("dataset", "text", "Which dataset (default: the one you used last)", complete="dataset",
                  positional=False)
_number = Option("number", "whole", "The item's number, as listed", True, min=1)
_user = Option("user", "user", "The person (Telegram: their @username, or reply to their message)")


def _settings(catalogue: Catalogue) -> tuple[Option, ...]:
    """One optional option per setting, within the bounds of every tool that takes it."""
    options = []
    for _, specs in sorted(settable_params(catalogue.tools()).items()):
        lows = [s.min for s in specs if s.min is not None]
        highs = [s.max for s in specs if s.max is not None]
        options.append(replace(from_param(specs[0], required=False), min=max(lows) if lows else None,
                               max=min(highs) if highs else None))
    return tuple(options)


def _training(catalogue: Catalogue) -> tuple[Option, ...]:
    templates = catalogue.templates("training")
    if not templates:
        return ()
    return tuple(from_param(p, required=False) for p in templates[0].spec.params if p.type != "dataset")


BUILTINS = Registry((
    Builtin("start", "Welcome, your balance and how to begin", builtins.start, text_only=True),
    Builtin("help", "Every command, its price and how to use it", builtins.help_, private=True),
    Builtin("balance", "Your points", builtins.balance, private=True),
    Builtin("history", "Your latest point movements", builtins.history, private=True),
    Builtin("settings", "Your defaults and when to ask before paying: show, set, reset", private=True, default="show",
            implicit="set",
            subs=(
                Sub("show", "Show your defaults", builtins.settings_show),
                Sub("set", "Change your defaults", builtins.settings_set, settings=_settings),
                Sub("reset", "Go back to the station's defaults", builtins.settings_reset,
                    (Option("names", "words", "Settings to reset, separated by spaces (empty: all)"),)),
            )),
    Builtin("models", "LoRA models you can use", builtins.models),
    Builtin("collections", "Collections: create, add, list, view, share, unshare, link, remove", default="list",
            subs=(
                Sub("create", "Make a new collection", collections.create,
                    (Option("name", "text", "The new collection's name", True, max_length=60),)),
                Sub("add", "Add a model, or the result this replies to", collections.add,
                    (_collection, Option("item", "text", "A model's name (a result: reply to it, or press Save)")),
                    hint="as a reply to a result, it adds that result's pictures"),
                Sub("list", "Your collections", collections.listing),
                Sub("view", "A collection's pictures and models, ten at a time", collections.view, (_collection,)),
                Sub("share", "Share a collection with someone", collections.share,
                    (_collection, _user, Option("access", "text", "What they may do (default: view)",
                                                choices=("view", "edit")))),
                Sub("unshare", "Stop sharing it", collections.unshare, (_collection, _user)),
                Sub("link", "A link anyone can view it with", collections.link,
                    (_collection, Option("days", "number", "How long the link works (default 7)",
                                         max=MAX_LINK_DAYS))),
                Sub("remove", "Take an item out", collections.remove, (_collection, _number)),
                Sub("delete", "Delete a collection", collections.delete, (_collection,)),
            )),
    Builtin("train", "Train a LoRA: create, add images, caption, trigger, submit, status, cancel", default="list",
            subs=(
                Sub("create", "Start a new dataset", training.create,
                    (Option("name", "text", "Letters, digits, _ or -", True, max_length=40),)),
                Sub("add", "Add images to a dataset", training.add,
                    (Option("image", "file", "An image for the dataset", True, repeat=MAX_TRAIN_IMAGES),
                     Option("caption", "text", "A caption for these images"), _dataset),
                    hint="or just send photos; the caption becomes the image's caption"),
                Sub("list", "Your datasets", training.listing, private=True),
                Sub("view", "A dataset's images and captions", training.view, (replace(_dataset, positional=True),),
                    private=True),
                Sub("use", "Make a dataset the current one", training.use,
                    (replace(_dataset, required=True, positional=True),)),
                Sub("caption", "Caption an image", training.caption,
                    (_number, Option("text", "text", "The caption", True), _dataset)),
                Sub("remove", "Take an image out", training.remove, (_number, _dataset)),
                Sub("autocaption", "Caption every image with a caption template (quoted first)",
                    dataset_fixes.autocaption, (replace(_dataset, positional=True),)),
                Sub("trigger", "Set the trigger word (written into every caption)", training.trigger,
                    (Option("word", "text", "The word that calls up what the model learned", True), _dataset)),
                Sub("prefix", "What goes before captions that lack the trigger", dataset_fixes.prefix,
                    (Option("text", "text", "e.g. 'a photo of mycat, '", True, max_length=100), _dataset)),
                Sub("submit", "See the price and confirm the training", training.submit,
                    (replace(_dataset, positional=True),), settings=_training, private=True),
                Sub("status", "Your trainings", training.status, private=True),
                Sub("cancel", "Cancel your training; its points come back", training.cancel),
                Sub("delete", "Delete a dataset", training.delete,
                    (replace(_dataset, required=True, positional=True),)),
            )),
    Builtin("link", "A one-time code to join this account on another platform or the web", private=True,
            default="code", implicit="redeem", subs=(
                Sub("code", "A one-time code to join another account to this one", builtins.link_code),
                Sub("redeem", "Join this account to the one that made the code", builtins.link_redeem,
                    (Option("code", "text", "The code your other account got from /link code", True),)),
            )),
    Builtin("cancel", "Cancel your queued or running job", builtins.cancel),
    Builtin("photo", "A photo without a command: it goes to the dataset in use", training.photo, hidden=True),
))
