"""Entry point for `python -m safetycheck` and the `safetycheck` console script."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; errors become short translated messages."""
    from safetycheck.cli.fasthelp import try_fast_path

    code = try_fast_path(list(sys.argv[1:] if argv is None else argv))
    if code is not None:
        return code
    from safetycheck.cli.root import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
