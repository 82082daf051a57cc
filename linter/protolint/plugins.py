"""Check kinds from other packages, through the `protolint.checks` entry points.

A plugin is a package that declares, in its pyproject,

    [project.entry-points."protolint.checks"]
    max_words = "protolint_example_plugin:max_words"

where the entry point's name is the check kind's name and its object is a
function registered with `@protolint.checks.check("max_words", …)`.  Packs stay
the way to add rules; a plugin adds a *kind* of check that YAML cannot express.
"""

from __future__ import annotations

from collections.abc import Collection

from protolint.checks import REGISTRY, CheckKind
from protolint.checks.builtin import load_builtin_checks
from protolint.errors import PluginError

GROUP = "protolint.checks"


def plugin_kind_names() -> set[str]:
    """The kinds installed plugins offer, without loading any of them."""
    from importlib.metadata import entry_points
    return {entry.name for entry in entry_points(group=GROUP)}


def plugin_check_kinds(names: Collection[str] | None = None) -> dict[str, CheckKind]:
    """The plugin kinds called `names` (every installed one when None), loaded
    now; kinds no installed plugin offers are simply absent from the result."""
    from importlib.metadata import entry_points

    builtin = load_builtin_checks()
    kinds: dict[str, CheckKind] = {}
    providers: dict[str, str] = {}
    for entry in entry_points(group=GROUP):
        if names is not None and entry.name not in names:
            continue
        plugin = entry.dist.name if entry.dist else "?"

        def fail(problem: str) -> PluginError:
            return PluginError(entry.name, plugin, f"{entry.name} = {entry.value}", problem)

        if entry.name in builtin:
            raise fail(f"{entry.name!r} is a built-in check kind; a plugin cannot replace it")
        if entry.name in providers:
            raise fail(f"check kind {entry.name!r} is also provided by plugin {providers[entry.name]}")
        try:
            entry.load()
        except Exception as error:  # third-party code: any failure is the plugin's, reported as such
            raise fail(f"cannot be loaded: {type(error).__name__}: {error}") from None
        kind = REGISTRY.get(entry.name)
        if kind is None:
            raise fail(f"registers no check kind named {entry.name!r}; decorate the function with "
                       f"@protolint.checks.check({entry.name!r}, parameters={{…}})")
        kinds[entry.name] = kind
        providers[entry.name] = plugin
    return kinds
