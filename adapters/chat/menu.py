"""The commands every chat platform offers, with their descriptions and subcommands."""
from __future__ import annotations

from domain.templates import Catalogue

BUILTINS = {
    "start": "Welcome, your balance and how to begin",
    "help": "Every command and how to use it",
    "balance": "Your points",
    "history": "Your latest point movements",
    "settings": "Your defaults: show, set key=value, reset",
    "models": "LoRA models you can use",
    "collections": "Collections: create, add, list, view, share, unshare, link, remove",
    "train": "Train a LoRA: create, add images, caption, trigger, submit, status, cancel",
    "link": "A one-time code to join this account on another platform or the web",
    "cancel": "Cancel your queued or running job",
}

SUBCOMMANDS = {
    "train": ("create", "add", "list", "view", "use", "caption", "remove", "trigger", "submit", "status", "cancel",
              "delete"),
    "collections": ("create", "add", "list", "view", "share", "unshare", "link", "remove", "delete"),
    "settings": ("show", "set", "reset"),
    "link": ("code", "redeem"),
}

USAGE = {
    "train": ("/train create NAME · send photos (the caption becomes the image's caption) · /train list · "
              "/train view · /train caption N TEXT · /train remove N · /train trigger WORD · /train submit · "
              "/train status · /train cancel"),
    "collections": ("/collections create NAME · /collections add NAME JOB_OR_MODEL · /collections list · "
                    "/collections view NAME · /collections share NAME USER [view|edit] · "
                    "/collections unshare NAME USER · /collections link NAME [DAYS] · /collections remove NAME N"),
    "settings": "/settings · /settings steps=30 cfg=6 · /settings reset",
    "link": "/link gives a code; /link CODE joins this account to the one that made the code",
}


def menu(catalogue: Catalogue) -> list[tuple[str, str]]:
    """(command, description) for every built-in and every template, as menus show them."""
    tools = [(t.name, (t.spec.description or t.spec.title)[:100]) for t in catalogue.templates()
             if t.spec.kind != "training"]
    return list(BUILTINS.items()) + tools
