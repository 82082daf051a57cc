"""The fix actions protolint ships.  Each action is one module that registers
itself when imported; this module imports them, so adding an action is its
module and one name below.  (Kept apart from the registry in
`fixes/__init__.py`, which the actions import.)"""

from __future__ import annotations

from protolint import fixes
from protolint.fixes import (  # noqa: F401  (each registers itself)
    FixAction, fence, insert, insert_section, mend, reorder, replace)


def load_fix_actions() -> dict[str, FixAction]:
    return dict(fixes.ACTIONS)
