"""The one small interface every acquisition path implements: adb, an AndroidQF folder, the demo.

A transport only *collects text*: it returns an ``Acquisition`` whose ``sections`` map a section
name (see ``script.SECTIONS``) to the raw output of that command. Parsing, matching and grading
happen elsewhere, on the same path for every transport.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from safetycheck.errors import DeviceError

# Called with a section name as each part of the acquisition arrives (for a progress display).
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Acquisition:
    """Raw outputs from one phone, as text, before any parsing."""

    source: str
    """"adb", "androidqf" or "demo"."""
    sections: Mapping[str, str]
    """Section name -> raw output. A section that was cut off is absent, never half there."""
    commands: Mapping[str, str] = field(default_factory=dict)
    """Section name -> how it was collected (for the evidence record)."""
    serial: str | None = None
    """The device serial, used only to compute a keyed hash; never stored or shown in results."""
    complete: bool = True
    incomplete_reason: str = ""
    """"disconnected" or "timeout" when ``complete`` is False."""
    missing: tuple[str, ...] = ()
    """Sections that were expected but did not arrive in full."""


class Transport(ABC):
    """Somewhere to read an Android phone's state from."""

    source: str = ""

    @abstractmethod
    def acquire(self, progress: Progress | None = None) -> Acquisition:
        """Collect every section this transport can provide.

        Raises a ``DeviceError`` subclass when nothing could be read. When the phone goes away
        part-way, raises ``PartialAcquisitionError`` carrying what did arrive.
        """

    def describe(self) -> str:
        """A short, non-identifying name for messages ("adb", a folder name, "demo")."""
        return self.source


class PartialAcquisitionError(DeviceError):
    """The phone stopped answering part-way; ``partial`` holds the sections that arrived whole."""

    key = "error.adb.disconnected"

    def __init__(self, key: str | None = None, /, partial: Acquisition | None = None,
                 **params: object) -> None:
        super().__init__(key, **params)
        self.partial = partial


class AndroidParseError(DeviceError):
    """A phone output (or an AndroidQF file) could not be read at all; params name the part."""

    key = "error.android.parse"
