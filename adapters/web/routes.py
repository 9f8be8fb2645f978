"""Route matching that leaves no garbage: the answer for a path is worked out once and remembered."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

from quart import Quart
from quart.routing import QuartMap
from werkzeug.routing.matcher import StateMachineMatcher

REMEMBERED_PATHS = 4096  # the most recently asked; a path with an id in it is asked again mostly while it is new
LONGEST_REMEMBERED = 256  # characters: longer paths are worked out each time, so what is kept stays ~2 MB at most


class RememberingMatcher(StateMachineMatcher):
    """Werkzeug's matcher walks its states with a recursive inner function that refers to itself: a reference cycle
    on every request, ~8 objects that only the cyclic garbage collector frees. Under load that was 4 in 5 of the
    web's collections, each pausing every request in flight. A path's answer depends only on the rules, so it is
    remembered until a rule is added; a path that matches nothing is worked out again each time."""

    def __init__(self, merge_slashes: bool = True):
        super().__init__(merge_slashes)
        self._answers: OrderedDict = OrderedDict()

    def add(self, rule) -> None:
        super().add(rule)
        self._answers.clear()

    def update(self) -> None:
        super().update()
        self._answers.clear()

    def match(self, domain: str, path: str, method: str, websocket: bool):
        key = (domain, path, method, websocket, self.merge_slashes)
        answer = self._answers.get(key)
        if answer is None:
            answer = super().match(domain, path, method, websocket)
            if len(path) <= LONGEST_REMEMBERED:
                self._answers[key] = answer
                if len(self._answers) > REMEMBERED_PATHS:
                    self._answers.popitem(last=False)
        else:
            self._answers.move_to_end(key)
        rule, values = answer
        return rule, dict(values)  # the view's own copy: a url_value_preprocessor may pop from it


class RememberingMap(QuartMap):
    """Quart's route map, matching with a RememberingMatcher."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        matcher = RememberingMatcher(self._matcher.merge_slashes)
        for rule in self.iter_rules():
            matcher.add(rule)
        self._matcher = matcher


class App(Quart):
    """Quart with the remembering route map."""

    url_map_class = RememberingMap
