"""Decode QR codes from rendered images, as a phone's camera would (zxing-cpp, from PyPI)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import zxingcpp
from PySide6.QtGui import QImage


def decode(image: Any) -> list[str]:
    """The texts of the QR codes in ``image`` (a QImage, QPixmap or PNG path), top to bottom."""
    if isinstance(image, (str, Path)):
        loaded = QImage(str(image))
        assert not loaded.isNull(), f"cannot read {image}"
        image = loaded
    if not isinstance(image, QImage):
        image = image.toImage()
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    found = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode)
    return [b.text for b in sorted(found, key=lambda b: b.position.top_left.y)]
