"""上街社区服务终端 — Shangjie Community Services Kiosk."""

__version__ = "0.1.0"
