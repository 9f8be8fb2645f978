"""The security rules the faces share: redirect targets, characters in names and text, attempts per minute,
visibility of links, and the keyed hash that keeps secrets out of storage."""
from __future__ import annotations

import pytest

from adapters.web.devices import device_name
from adapters.web.redirects import safe_next
from domain.catalogue import ParamSpec, ParamType
from domain.collections import Collection, check_collection_name
from domain.credentials import digest
from domain.errors import InvalidParameter
from domain.identity import parse_identity
from domain.numbers import number
from domain.rate_limits import RateLimiter, TooManyAttempts
from domain.training import Dataset, DatasetImage, check_caption, check_dataset_name
from domain.visibility import Visibility


class FixedClock:
    def __init__(self, now: float = 1000.0):
        self.now_value = now

    def now(self) -> float:
        return self.now_value

    async def sleep(self, seconds: float) -> None:
        self.now_value += seconds


@pytest.mark.parametrize("target", ["/\t/evil.example/", "//evil.example/", "/\\evil.example", "https://evil.example/",
                                    "/x\r\nSet-Cookie: a=b", "javascript:alert(1)", "evil.example", "", None,
                                    "/\n/evil.example", "/x\u2028y", "/\x00"])
def test_a_redirect_target_that_is_not_a_path_on_this_site_goes_home(target):
    assert safe_next(target) == "/make"


@pytest.mark.parametrize("target", ["/gallery?page=2", "/jobs/abc", "/collections/F%C3%BCchse", "/%2F/x"])
def test_a_path_on_this_site_is_kept(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("check", [check_collection_name, check_dataset_name])
@pytest.mark.parametrize("name", ["ok\n", "ok\x00", "o\u0085k", "\ud800ok", "ok\x1b[31m"])
def test_names_with_control_characters_are_refused_naming_the_field(check, name):
    with pytest.raises(InvalidParameter) as refused:
        check(name)
    assert refused.value.name == "name"


@pytest.mark.parametrize("text", ["web:al\nice", "telegram:1\x00", "web:bob\n\nx"])
def test_identities_are_matched_whole(text):
    with pytest.raises(Exception, match="is not an identity"):
        parse_identity(text)


def test_a_caption_is_one_line_and_refuses_other_control_characters():
    assert check_caption(DatasetImage("k", "a cat\non a mat\t")).caption == "a cat on a mat"
    with pytest.raises(InvalidParameter, match="caption: holds a control character \\(U\\+0007\\)"):
        check_caption(DatasetImage("k", "bell\x07"))
    with pytest.raises(InvalidParameter, match="trigger"):
        Dataset("d", "o", "cats", 0.0).with_trigger("cat\n")


def test_a_prompt_may_span_lines_but_holds_no_other_control_character_or_lone_surrogate():
    prompt = ParamSpec("prompt", ParamType.TEXT)
    assert prompt.coerce("a fox\nin the snow\tat dusk") == "a fox\nin the snow\tat dusk"
    for bad in ("fox\x00", "fox\ud800", "fox\x1b"):
        with pytest.raises(InvalidParameter, match="prompt: holds"):
            prompt.coerce(bad)
    with pytest.raises(InvalidParameter, match="lora"):
        ParamSpec("lora", ParamType.LORA).coerce("mycat\x0b")


def test_a_number_past_the_float_range_is_refused_not_crashed():
    with pytest.raises(InvalidParameter, match="days"):
        number(10 ** 400, "days")


def test_ten_attempts_a_minute_per_key_then_wait_for_the_oldest_to_age_out():
    clock = FixedClock()
    limiter = RateLimiter(clock)
    for _ in range(10):
        limiter.hit("sign-in:1.2.3.4")
        clock.now_value += 1
    with pytest.raises(TooManyAttempts) as refused:
        limiter.hit("sign-in:1.2.3.4")
    assert refused.value.retry_after == 50
    limiter.hit("sign-in:5.6.7.8")  # another key is not affected
    clock.now_value += 50
    limiter.hit("sign-in:1.2.3.4")


def test_an_attempt_counts_against_every_key_it_names_and_is_refused_if_any_is_spent():
    clock = FixedClock()
    limiter = RateLimiter(clock, attempts=2)
    limiter.hit("user:a", "client:x")
    limiter.hit("user:a", "client:y")
    with pytest.raises(TooManyAttempts):
        limiter.hit("user:a", "client:z")
    limiter.hit("user:b", "client:z", None)


def test_the_limiter_forgets_the_oldest_keys_beyond_its_bound():
    limiter = RateLimiter(FixedClock(), attempts=1, max_keys=3)
    for key in "abcd":
        limiter.hit(key)
    limiter.hit("a")  # forgotten, so allowed again


def test_a_link_opens_only_while_the_thing_is_link_visible_and_unexpired():
    shared = Collection("c", "owner", "Foxes", 0.0).with_link("tok", 100.0)
    assert shared.can_view(None, 50.0, "tok") and not shared.can_view(None, 150.0, "tok")
    assert not shared.with_visibility("shared").can_view(None, 50.0, "tok")
    assert shared.with_visibility("shared").link_token is None
    private = shared.share("bob").with_visibility("private")
    assert private.shared_with == {} and private.link_token is None and private.visibility == Visibility.PRIVATE


def test_a_secret_is_stored_as_a_hash_keyed_with_the_web_secret():
    assert digest("s3cret", "key-one") != digest("s3cret", "key-two")
    assert "s3cret" not in digest("s3cret", "key-one") and len(digest("s3cret", "key-one")) == 64


@pytest.mark.parametrize("agent, name", [
    ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox on Linux"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605 Version/17.5 Mobile Safari/604.1",
     "Safari on iOS"),
    ("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/126.0 Safari/537.36 Edg/126.0", "Edge on Windows"),
    (None, "a browser"),
])
def test_a_session_is_named_after_its_browser(agent, name):
    assert device_name(agent) == name
