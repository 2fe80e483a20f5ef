"""Interface languages through Qt's translation system.

Source strings in the code are Chinese (the default language), so the kiosk needs no translation
file to show Chinese. English comes from ``resources/translations/*_en.qm``: every ``.qm`` whose
name ends in ``_en`` is loaded, so each part of the program may keep its own ``.ts`` file
(``kiosk_en.ts`` for the resident screens). ``scripts/build-translations`` regenerates the ``.ts``
files from the code with ``pyside6-lupdate`` and compiles them with ``pyside6-lrelease``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from kiosk.core.terminal.paths import resources_dir

LANGUAGES = ("zh", "en")


def translations_dir() -> Path:
    return resources_dir() / "translations"


def qm_files(lang: str) -> list[Path]:
    """The compiled translation files for ``lang`` (none for Chinese, the source language)."""
    if lang == "zh":
        return []
    return sorted(translations_dir().glob(f"*_{lang}.qm"))


class Translations:
    """Installs the translators of one language at a time on the application."""

    def __init__(self) -> None:
        self._installed: list[QTranslator] = []
        self.language = "zh"

    def switch(self, lang: str) -> None:
        """Remove the current translators and install those of ``lang`` (sends LanguageChange)."""
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}")
        self.clear()
        for path in qm_files(lang):
            translator = QTranslator()
            if translator.load(str(path)):
                QCoreApplication.installTranslator(translator)
                self._installed.append(translator)
        self.language = lang

    def clear(self) -> None:
        """Uninstall this object's translators (the application is global: a closed window must not
        leave its language behind)."""
        if QCoreApplication.instance() is not None:
            for translator in self._installed:
                QCoreApplication.removeTranslator(translator)
        self._installed = []
        self.language = "zh"
