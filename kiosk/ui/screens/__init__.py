"""The resident screens, one module each; each registers with the navigator by name."""
