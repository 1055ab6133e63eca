"""Plain dataclasses shared by every layer: spec, snapshot, findings, money intervals."""
