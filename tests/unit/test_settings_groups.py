"""Settings are grouped by the tools that use them, the station's own last."""
from domain.catalogue import ParamSpec, ParamType, ToolKind, ToolSpec
from domain.quotes import CONFIRM_ABOVE
from domain.settings import PREVIEWS, grouped_settings


def tool(title: str, *names: str, kind: ToolKind = ToolKind.IMAGE) -> ToolSpec:
    params = tuple(ParamSpec(n, ParamType.INT, n, default=1, min=1, max=9) for n in names)
    return ToolSpec(name=title.lower(), title=title, description="", kind=kind, params=params)


def test_a_setting_shared_by_tools_is_grouped_under_all_of_them_before_each_tools_own():
    groups = grouped_settings([tool("Paint", "steps", "width"), tool("Sketch", "steps"), tool("Grow", "scale")])
    assert [(g.tools, g.names) for g in groups] == [
        (("Paint", "Sketch"), ("steps",)), (("Paint",), ("width",)), (("Grow",), ("scale",)), ((), (CONFIRM_ABOVE, PREVIEWS))]


def test_training_takes_no_defaults_so_it_has_no_group():
    groups = grouped_settings([tool("Train", "steps", kind=ToolKind.TRAINING)])
    assert [g.tools for g in groups] == [()]
