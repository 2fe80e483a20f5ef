"""The bundled content: seed records, the build, provenance checks, dumps and counts."""
