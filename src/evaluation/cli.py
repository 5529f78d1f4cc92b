"""``dmkit`` command line (placeholder, filled in below)."""


def main(argv=None) -> int:  # pragma: no cover - replaced
    return 0
