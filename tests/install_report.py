"""Lines the wheel-install test reports at the end of the run (the resources found in the wheel)."""

LINES: list[str] = []
