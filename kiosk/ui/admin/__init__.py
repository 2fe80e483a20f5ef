"""The community worker tools (社区工作者工具) in the kiosk and in an office window.

* :func:`install_worker_tools` (called by :func:`kiosk.ui.app.build_kiosk`) registers the ``admin``
  screen and installs the hidden entry: press and hold the top-left corner for 3 seconds.
* :class:`~kiosk.ui.admin.panel.AdminPanel` is everything behind the PIN pad: listings and their
  editor with a live preview of the resident card, history and undo, the feedback queue, reports,
  import/export. The kiosk shows it as a screen (:mod:`kiosk.ui.admin.screen`, large touch sizes);
  ``kiosk admin`` shows it in a normal window (:mod:`kiosk.ui.admin.window`).

Nothing of the tools exists until the right PIN is entered: the panel builds them on unlock and
destroys them when it locks again (exit, leaving the screen, idle time-out).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.ui.context import AppContext
    from kiosk.ui.navigation import Navigator
    from kiosk.ui.screens.base import Screen
    from kiosk.ui.window import KioskWindow

ADMIN = "admin"


def install_worker_tools(window: KioskWindow) -> None:
    """Register the admin screen on ``window``'s navigator and install the corner gesture."""
    from kiosk.ui.admin.gesture import CornerHold

    if not window.nav.has(ADMIN):
        window.nav.register(ADMIN, _admin_screen)
    window.admin_gesture = CornerHold(window, lambda: open_admin(window))  # type: ignore[attr-defined]


def _admin_screen(ctx: AppContext, nav: Navigator) -> Screen:
    """The admin screen, imported on the first corner hold (≈ 15 ms of imports kept out of start-up)."""
    from kiosk.ui.admin.screen import AdminScreen

    return AdminScreen(ctx, nav)


def open_admin(window: KioskWindow) -> None:
    """Show the admin screen (its PIN pad) unless it is showing already."""
    if window.nav.current_name != ADMIN:
        window.nav.push(ADMIN)
