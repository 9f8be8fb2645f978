"""Who may see and change a collection."""
import pytest

from domain.collections import Collection, CollectionItem
from domain.errors import DomainError


def collection(**changes):
    return Collection(id="c", owner="owner", name="Best", created_at=0, **changes)


def test_a_private_collection_is_seen_only_by_its_owner():
    c = collection()
    assert c.can_view("owner", now=0) and not c.can_view("other", now=0) and not c.can_view(None, now=0)


def test_sharing_gives_view_or_edit_to_named_users():
    c = collection().share("viewer", "view").share("editor", "edit")
    assert c.visibility == "shared"
    assert c.can_view("viewer", 0) and not c.can_edit("viewer")
    assert c.can_edit("editor") and not c.can_view("stranger", 0)


def test_unsharing_the_last_user_makes_it_private_again():
    assert collection().share("v", "view").unshare("v").visibility == "private"


def test_a_link_works_until_it_expires():
    c = collection().with_link("tok", expires_at=100)
    assert c.can_view(None, now=99, token="tok")
    assert not c.can_view(None, now=100, token="tok")
    assert not c.can_view(None, now=50, token="wrong")


def test_a_public_collection_is_seen_by_everyone():
    assert collection().with_visibility("public").can_view("anyone", 0)


def test_unknown_access_and_visibility_are_refused():
    with pytest.raises(DomainError):
        collection().share("u", "admin")
    with pytest.raises(DomainError):
        collection().with_visibility("secret")


def test_items_are_added_once_and_removed_by_number():
    item = CollectionItem("image", "results/j/0.png", 0)
    c = collection().add(item).add(item)
    assert len(c.items) == 1
    assert collection().add(item).remove(1).items == ()
    with pytest.raises(DomainError, match="no item 2"):
        c.remove(2)
