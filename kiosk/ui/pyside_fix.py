"""Keep PySide6 6.12 from killing the process on CPython 3.11 ("deallocating None").

PySide6/shiboken6 6.12.0 returns ``None``, ``True`` and ``False`` to Python without taking a
reference to them: every call of a Qt method that returns nothing (``setText``, ``setVisible``,
``processEvents`` …), every ``Signal.emit()`` (returns ``True``) takes one reference away. On
CPython ≥ 3.12 these objects are immortal (PEP 683) and nothing happens; on 3.11 their reference
count falls with every call and, a few thousand calls later, reaches zero: the interpreter aborts
with ``Fatal Python error: none_dealloc: deallocating None`` (or ``bool_dealloc``). No exception
handler can catch that: the kiosk window just disappears. The soak test (benchmarks/soak.py) hit it
within 3 000 taps; ``QWidget().setVisible(False)`` in a loop hits it after about 5 000 calls.

:func:`protect_singletons` makes the three objects effectively immortal on CPython < 3.12 by adding
2⁶⁰ to their reference counts once — more references than a process can ever drop. It is called when
:mod:`kiosk.ui` is imported, before any Qt call. It does nothing on 3.12+ or on other interpreters,
and nothing when the object layout is not the one it expects. Remove it when PySide6 is fixed or the
kiosk requires Python ≥ 3.12 (tests/ui/test_crash_refcounts.py shows whether it is still needed).
"""

from __future__ import annotations

import ctypes
import sys

BOOST = 1 << 60


def needed() -> bool:
    """True on interpreters whose None/True/False are mortal (CPython before 3.12)."""
    return sys.implementation.name == "cpython" and sys.version_info < (3, 12)


def protect_singletons() -> bool:
    """Raise the reference counts of None, True and False far out of reach; True when it did so."""
    if not needed():
        return False
    done = False
    for obj in (None, True, False):
        cell = ctypes.c_ssize_t.from_address(id(obj))
        expected = sys.getrefcount(obj) - 1  # getrefcount's own argument adds one
        if cell.value >= BOOST:
            done = True
            continue
        if abs(cell.value - expected) > 16:  # not the plain CPython object header: leave it alone
            return False
        cell.value += BOOST
        done = True
    return done


__all__ = ["BOOST", "needed", "protect_singletons"]
