"""One terminal: its configuration, file locations, logging, health checks, systemd, temp folders."""
