"""Entry point for `python -m safetycheck` and the `safetycheck` console script."""

from __future__ import annotations

import sys


def _tolerate_narrow_encodings() -> None:
    """A console or pipe that cannot encode Cyrillic (an old Windows code page) shows "?"
    instead of crashing mid-audit."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; errors become short translated messages."""
    from safetycheck.cli.fasthelp import try_fast_path

    _tolerate_narrow_encodings()
    code = try_fast_path(list(sys.argv[1:] if argv is None else argv))
    if code is not None:
        return code
    from safetycheck.cli.root import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
