#!/usr/bin/env python3
"""Update the interface translations from the code and compile them.

    python3 scripts/build_translations.py          # lupdate the .ts files, then lrelease to .qm
    python3 scripts/build_translations.py --check  # exit 1 if a string in the code lacks a translation

Source strings in the code are Chinese; each ``.ts`` in resources/translations holds the English.
Each group below maps one ``.ts`` file to the code it covers, so that separate parts of the program
keep separate files (kiosk.ui.i18n loads every ``*_en.qm``). After editing translations in the
``.ts`` (by hand or with Qt Linguist: ``pyside6-linguist``), run this script and commit both files.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "resources" / "translations"

# the resident screens: everything under kiosk/ui except the parts other modules translate themselves
RESIDENT_EXCLUDE = ("keyboard", "handwriting", "search")


def resident_sources() -> list[Path]:
    files = []
    for path in sorted((ROOT / "kiosk" / "ui").rglob("*.py")):
        rel = path.relative_to(ROOT / "kiosk" / "ui")
        if rel.parts[0] == "admin" or any(path.stem.startswith(x) for x in RESIDENT_EXCLUDE):
            continue
        files.append(path)
    return files


def search_sources() -> list[Path]:
    """The search screen, its touch keyboard and handwriting pad (their strings live in search_en.ts)."""
    ui = ROOT / "kiosk" / "ui"
    return [p for p in (ui / "screens" / "search.py", ui / "widgets" / "keyboard.py", ui / "widgets" / "handwriting.py")
            if p.exists()]


GROUPS = {
    "kiosk_en.ts": resident_sources,
    "search_en.ts": search_sources,
}


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        sys.exit(f"{name} not found: install PySide6 (it ships pyside6-lupdate and pyside6-lrelease)")
    return found


def lupdate(ts: Path, sources: list[Path]) -> None:
    subprocess.run([tool("pyside6-lupdate"), *map(str, sources), "-source-language", "zh_CN",
                    "-target-language", "en", "-no-obsolete", "-locations", "none", "-ts", str(ts)],
                   check=True, capture_output=True, text=True)


def unfinished(ts: Path) -> list[str]:
    """Source texts of messages without a finished translation."""
    missing = []
    for message in ET.parse(ts).getroot().iter("message"):
        translation = message.find("translation")
        source = message.findtext("source") or ""
        if translation is None or translation.get("type") in ("unfinished", "vanished", "obsolete"):
            missing.append(source)
            continue
        forms = translation.findall("numerusform")
        if (forms and not all((f.text or "").strip() for f in forms)) or (
                not forms and not (translation.text or "").strip()):
            missing.append(source)
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that every string is translated")
    args = parser.parse_args()
    status = 0
    for name, sources in GROUPS.items():
        ts = TRANSLATIONS / name
        if not sources():
            continue
        if args.check:
            with tempfile.TemporaryDirectory() as tmp:
                copy = Path(tmp) / name
                if ts.exists():
                    shutil.copy(ts, copy)
                lupdate(copy, sources())
                missing = unfinished(copy)
            if missing:
                status = 1
                print(f"{name}: {len(missing)} string(s) without translation:")
                for text in missing:
                    print(f"  {text}")
            else:
                print(f"{name}: every string translated")
            continue
        TRANSLATIONS.mkdir(parents=True, exist_ok=True)
        lupdate(ts, sources())
        subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True,
                       capture_output=True, text=True)
        missing = unfinished(ts)
        print(f"{name}: built {ts.with_suffix('.qm').name}" + (f"; {len(missing)} untranslated" if missing else ""))
        status = status or (1 if missing else 0)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
