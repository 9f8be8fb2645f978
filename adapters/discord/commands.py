"""App commands from the catalogue: one per template, a group per built-in with subcommands, typed options."""
from __future__ import annotations

import inspect
import logging
import re
from dataclasses import replace
from typing import Awaitable, Callable

import discord
from discord import app_commands

from adapters.chat.options import Option, from_param
from adapters.chat.registry import Registry
from adapters.discord.autocomplete import Completer
from adapters.discord.options import annotation, handed_on
from domain.templates import Catalogue

log = logging.getLogger(__name__)

MAX_OPTIONS = 25
MAX_COMMANDS = 100  # per scope
_OPTION_NAME = re.compile(r"[a-z_][a-z0-9_]{0,31}")  # what Discord and a Python keyword argument both accept

# (interaction, command, subcommand, option values) -> the command is answered
Run = Callable[[discord.Interaction, str, "str | None", dict], Awaitable[None]]


def build_commands(registry: Registry, catalogue: Catalogue, completer: Completer, run: Run
                   ) -> list[app_commands.Command | app_commands.Group]:
    """Every command users can pick; a template Discord refuses is left out with a warning."""
    commands: list[app_commands.Command | app_commands.Group] = []
    seen: set[str] = set()
    for name, description in registry.menu(catalogue):
        builtin = registry.get(name)
        if builtin is not None and builtin.text_only:
            continue  # its text teaches the key=value syntax; slash commands show their options instead
        if name in seen or len(seen) == MAX_COMMANDS:
            log.warning("/%s is left out: the name is taken or Discord's %d commands are used", name, MAX_COMMANDS)
            continue
        seen.add(name)
        try:
            if builtin is not None and builtin.subs:
                group = app_commands.Group(name=name, description=_fit(description))
                for sub in builtin.subs:
                    group.add_command(slash(sub.name, sub.description, typed(sub.all_options(catalogue)),
                                            _bound(run, name, sub.name), completer))
                commands.append(group)
            elif builtin is not None:
                commands.append(slash(name, description, (), _bound(run, name, None), completer))
            else:
                params = catalogue.get(name).spec.params
                commands.append(slash(name, description, tuple(from_param(p) for p in params),
                                      _bound(run, name, None), completer))
        except (TypeError, ValueError) as error:
            log.warning("/%s cannot be a Discord command and is left out: %s", name, error)
    return commands


def typed(options: tuple[Option, ...]) -> tuple[Option, ...]:
    """A repeated file option becomes image1..imageN (the first keeps `required`), as Discord offers files."""
    out: list[Option] = []
    for option in options:
        if option.repeat == 1:
            out.append(option)
            continue
        out += [replace(option, name=f"{option.name}{n}", required=option.required and n == 1, repeat=1)
                for n in range(1, option.repeat + 1)]
    return tuple(out)


def slash(name: str, description: str, options: tuple[Option, ...], run, completer: Completer) -> app_commands.Command:
    """A command whose callback receives the options by name, built with discord.py's own decorators."""
    for option in options:
        if not _OPTION_NAME.fullmatch(option.name):
            raise ValueError(f"option name '{option.name}' is not 1-32 lower-case letters, digits or _")
    ordered = sorted(options, key=lambda o: not o.required)
    if len(ordered) > MAX_OPTIONS:
        log.warning("/%s has %d options; Discord shows the first %d", name, len(ordered), MAX_OPTIONS)
        ordered = ordered[:MAX_OPTIONS]
    options = tuple(ordered)

    async def invoke(interaction: discord.Interaction, **values) -> None:
        given = [o for o in options if values.get(o.name) is not None]
        await run(interaction, {o.name: handed_on(o, values[o.name]) for o in given})

    invoke.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  # discord.py reads the options from it
        [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [inspect.Parameter(o.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation(o),
                             default=inspect.Parameter.empty if o.required else None) for o in options])
    app_commands.describe(**{o.name: o.description for o in options})(invoke)
    choices = {o.name: [app_commands.Choice(name=c[:100], value=c) for c in o.choices] for o in options if o.choices}
    if choices:
        app_commands.choices(**choices)(invoke)
    completions = {o.name: completer.for_option(o) for o in options if o.complete}
    if completions:
        app_commands.autocomplete(**completions)(invoke)
    return app_commands.Command(name=name, description=_fit(description), callback=invoke)


def _bound(run: Run, command: str, subcommand: str | None):
    async def bound(interaction: discord.Interaction, values: dict) -> None:
        await run(interaction, command, subcommand, values)
    return bound


def _fit(description: str) -> str:
    return (description or "…")[:100]
