"""Opening hours and the Chinese holiday calendar (published, estimated, entered by workers)."""
