"""Entry point for `python -m safetycheck` and the `safetycheck` console script."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; errors become short translated messages."""
    from safetycheck.cli.root import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
