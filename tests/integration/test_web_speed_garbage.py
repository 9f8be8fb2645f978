"""Answering a page leaves nothing for the cyclic garbage collector, whose every pass pauses all requests in flight;
route matching, which used to leave a reference cycle per request, still answers like werkzeug's own."""
from __future__ import annotations

import asyncio
import gc

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Rule

from adapters.web.routes import LONGEST_REMEMBERED, REMEMBERED_PATHS, RememberingMap
from tests.bounded import bounded
from tests.integration.web_helpers import web_app  # noqa: F401  (fixture)

REQUESTS = 200


async def ask(reader, writer, path: str, headers: str = "") -> int:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    await reader.readexactly(length)
    return int(head.split()[1])


@bounded(60)
async def test_pages_and_the_api_over_a_kept_alive_connection_leave_no_cyclic_garbage(web):
    _, bearer = await web.bearer("ada", points=10)
    authorization = "".join(f"{name}: {value}\r\n" for name, value in bearer.items())
    reader, writer = await asyncio.open_connection("127.0.0.1", web.platform.server.port)
    paths = ["/livez", "/make/txt2img", "/gallery?page=2", "/api/v1/jobs?limit=5"]
    for path in paths:  # first answers fill caches that live as long as the app
        await ask(reader, writer, path, authorization)
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        statuses = {await ask(reader, writer, paths[n % len(paths)], authorization) for n in range(REQUESTS)}
        gc.collect()
        left = len(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        writer.close()
    assert statuses <= {200, 302}
    assert left < REQUESTS / 10, f"{left} objects left for the cyclic collector by {REQUESTS} requests"


def routes(*rules: Rule) -> RememberingMap:
    return RememberingMap([Rule("/jobs/<int:job>", endpoint="job"), Rule("/make", endpoint="make", methods=["GET"]),
                           *rules])


def test_a_remembered_route_gives_each_request_its_own_values():
    urls = routes().bind("station.test")
    endpoint, values = urls.match("/jobs/7")
    values.pop("job")
    assert urls.match("/jobs/7") == ("job", {"job": 7})
    assert urls.match("/jobs/8") == ("job", {"job": 8})


def test_a_rule_added_after_a_path_was_answered_is_found():
    url_map = routes(Rule("/<path:anything>", endpoint="catch_all"))
    assert url_map.bind("station.test").match("/new") == ("catch_all", {"anything": "new"})
    url_map.add(Rule("/new", endpoint="new"))
    assert url_map.bind("station.test").match("/new") == ("new", {})


def test_unknown_paths_and_wrong_methods_are_still_refused_every_time():
    urls = routes().bind("station.test")
    for _ in range(2):
        with pytest.raises(NotFound):
            urls.match("/nothing")
        with pytest.raises(MethodNotAllowed):
            urls.match("/make", method="POST")


def test_only_the_most_recently_asked_short_paths_are_remembered():
    url_map = routes(Rule("/names/<name>", endpoint="name"))
    urls = url_map.bind("station.test")
    for job in range(REMEMBERED_PATHS + 50):
        urls.match(f"/jobs/{job}")
    assert len(url_map._matcher._answers) == REMEMBERED_PATHS
    assert urls.match("/jobs/1") == ("job", {"job": 1})
    long_name = "n" * LONGEST_REMEMBERED
    assert urls.match(f"/names/{long_name}") == ("name", {"name": long_name})
    assert not any(long_name in key[1] for key in url_map._matcher._answers)
