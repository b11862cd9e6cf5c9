"""Location in photos: read EXIF/XMP metadata without decoding pixels, and write clean copies.

Reading is our own small parser for the containers a phone or camera writes: JPEG (APP1
``Exif`` and XMP segments), TIFF (the file is the EXIF structure), PNG (``eXIf``, XMP in
``iTXt``, ImageMagick's hex ``Raw profile`` text), WebP (``EXIF`` and ``XMP `` chunks) and
HEIC/HEIF (the ``Exif`` and XMP items, found through the ``iinf`` and ``iloc`` boxes). Only the
metadata bytes are read — a file head and a few seeks — so a folder of thousands of photos
is checked faster than ``exiftool -fast2`` does (see ``benchmarks/photos.py``).

GPS becomes decimal degrees (``deg + min/60 + sec/3600``, negative for S and W; a ``0/0``
rational counts as 0, any other zero denominator makes the value unreadable). A position of
exactly 0, 0 is what cameras without a fix write and is not a location. A file whose GPS
tags exist but cannot be decoded is reported as damaged location data: treat it as if it
showed the place.

Every problem inside a file becomes ``PhotoError`` (with a catalog key as its reason); the
scan lists the file and goes on. Clean copies (``strip_copy``) are new files: JPEG, PNG and
WebP are rewritten without their metadata blocks, byte for byte otherwise (no quality lost,
orientation kept as a one-tag EXIF block); TIFF and HEIC are decoded and saved again with
the orientation applied (HEIC becomes JPEG, or PNG when it has transparency). Each copy is
read back and rejected unless it carries no GPS, no XMP and no EXIF beyond the orientation.
Originals are only ever opened for reading: they may be evidence.
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from safetycheck.errors import SafetycheckError

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".tif", ".tiff",
                              ".webp", ".heic", ".heif", ".hif", ".avif"})
HEAD_BYTES = 128 * 1024
MAX_SEGMENT = 16 * 1024 * 1024  # an EXIF or XMP block larger than this is not metadata
MAX_IFD_ENTRIES = 1000
MAX_BOXES = 10000
ORIENTATION_TAG = 0x0112
HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1",
                         b"msf1", b"mif2", b"avif", b"avis", b"MiHE", b"MiHB", b"MiHA"})

# EXIF tags we read.
_MAKE, _MODEL, _DATETIME = 0x010F, 0x0110, 0x0132
_XMP_TAG, _EXIF_IFD, _GPS_IFD = 0x02BC, 0x8769, 0x8825
_DATETIME_ORIGINAL, _DATETIME_DIGITIZED = 0x9003, 0x9004
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 1, 2, 3, 4
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
_XMP_NS = b"http://ns.adobe.com/xap/1.0/\x00"
_XMP_EXT_NS = b"http://ns.adobe.com/xmp/extension/\x00"
_EXIF_HEADER = b"Exif\x00\x00"
_XMP_GPS = re.compile(rb"GPS(Latitude|Longitude)(?:\s{0,8}=\s{0,8}[\"']([^\"'<]{1,64})[\"']"
                      rb"|>\s{0,8}([^<]{1,64})<)")


class PhotoError(SafetycheckError):
    """A file whose metadata could not be read; ``key`` says why (shown in the scan)."""

    key = "photo.unreadable.damaged"


class _Bad(Exception):
    """Internal: the structure is broken here."""


@dataclass(frozen=True)
class PhotoMeta:
    """What a photo's metadata says about where and when it was taken, and by what."""

    format: str  # "jpeg", "png", "tiff", "webp", "heif"
    lat: float | None = None
    lon: float | None = None
    gps_source: str | None = None  # "exif" or "xmp"
    gps_damaged: bool = False  # GPS tags exist but cannot be decoded
    time: str | None = None  # "YYYY-MM-DD HH:MM:SS" as the camera wrote it (local time)
    make: str | None = None
    model: str | None = None
    orientation: int | None = None
    exif_tags: frozenset[int] = frozenset()  # tags of the first IFD (empty: no EXIF)
    has_exif: bool = False
    has_xmp: bool = False
    damaged: bool = False  # the container ended early or is broken after the metadata

    @property
    def has_location(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass
class _Found:
    """Mutable collector while walking one file."""

    fmt: str
    exif: bytes | None = None
    xmp: list[bytes] = field(default_factory=list)
    has_xmp: bool = False
    damaged: bool = False


# -- reading bytes: the file head in memory, seeks beyond it ------------------------------
class _Src:
    """Random access to a file's bytes: the head is cached, the rest is read on demand."""

    __slots__ = ("head", "total", "fh")

    def __init__(self, head: bytes, total: int | None = None, fh: BinaryIO | None = None):
        self.head = head
        self.total = len(head) if total is None else total
        self.fh = fh

    def read(self, pos: int, size: int) -> bytes:
        if pos < 0 or size <= 0 or pos >= self.total:
            return b""
        end = pos + size
        if end <= len(self.head) or self.fh is None:
            return self.head[pos:end]
        self.fh.seek(pos)
        return self.fh.read(min(size, self.total - pos))

    def exact(self, pos: int, size: int) -> bytes:
        data = self.read(pos, size)
        if len(data) != size:
            raise _Bad
        return data


# -- TIFF / EXIF --------------------------------------------------------------------------
class _Tiff:
    """A TIFF structure (an EXIF block, or a whole TIFF file) starting at ``base``."""

    def __init__(self, src: _Src, base: int = 0) -> None:
        self.src = src
        self.base = base
        head = src.exact(base, 8)
        if head[:2] == b"II":
            self.e = "<"
        elif head[:2] == b"MM":
            self.e = ">"
        else:
            raise _Bad
        magic, self.ifd0 = struct.unpack(self.e + "HI", head[2:8])
        if magic != 42:
            raise _Bad

    def ifd(self, offset: int) -> dict[int, tuple[int, int, bytes | int]]:
        """``{tag: (type, count, inline value bytes or absolute value position)}``."""
        if offset < 8:
            raise _Bad
        pos = self.base + offset
        count = struct.unpack(self.e + "H", self.src.exact(pos, 2))[0]
        if count > MAX_IFD_ENTRIES:
            raise _Bad
        raw = self.src.exact(pos + 2, 12 * count)
        entries: dict[int, tuple[int, int, bytes | int]] = {}
        for i in range(count):
            tag, typ, n = struct.unpack_from(self.e + "HHI", raw, 12 * i)
            size = _TYPE_SIZES.get(typ)
            if size is None or tag in entries:
                continue
            inline = raw[12 * i + 8:12 * i + 12]
            if size * n <= 4:
                entries[tag] = (typ, n, inline[:size * n])
            else:
                entries[tag] = (typ, n, self.base + struct.unpack(self.e + "I", inline)[0])
        return entries

    def value(self, entry: tuple[int, int, bytes | int], limit: int) -> bytes:
        """The raw bytes of an entry's value (at most ``limit`` bytes)."""
        typ, n, where = entry
        if isinstance(where, bytes):
            return where
        size = min(_TYPE_SIZES[typ] * n, limit)
        return self.src.exact(where, size)

    def text(self, entries: dict[int, Any], tag: int) -> str | None:
        entry = entries.get(tag)
        if entry is None or entry[0] not in (1, 2, 7):
            return None
        try:
            data = self.value(entry, 256)
        except _Bad:
            return None
        data = data.split(b"\x00", 1)[0].strip()
        text = data.decode("utf-8", "replace").strip()
        return text or None

    def integer(self, entries: dict[int, Any], tag: int) -> int | None:
        entry = entries.get(tag)
        if entry is None or entry[1] < 1:
            return None
        typ = entry[0]
        fmt = {1: "B", 3: "H", 4: "I", 8: "h", 9: "i", 13: "I"}.get(typ)
        if fmt is None:
            return None
        try:
            data = self.value(entry, 4)
            return int(struct.unpack_from(self.e + fmt, data)[0])
        except (_Bad, struct.error):
            return None

    def numbers(self, entry: tuple[int, int, bytes | int]) -> list[float | None]:
        """Up to three numbers (rationals, integers or floats); None for n/0."""
        typ, n = entry[0], min(entry[1], 3)
        data = self.value((typ, n, entry[2]), _TYPE_SIZES[typ] * n)
        out: list[float | None] = []
        for i in range(n):
            if typ in (5, 10):
                num, den = struct.unpack_from(self.e + ("II" if typ == 5 else "ii"), data, 8 * i)
                out.append(num / den if den else (0.0 if num == 0 else None))
            elif typ in (1, 3, 4, 8, 9):
                fmt = {1: "B", 3: "H", 4: "I", 8: "h", 9: "i"}[typ]
                out.append(float(struct.unpack_from(self.e + fmt, data,
                                                    _TYPE_SIZES[typ] * i)[0]))
            elif typ in (11, 12):
                value = struct.unpack_from(self.e + ("f" if typ == 11 else "d"), data,
                                           _TYPE_SIZES[typ] * i)[0]
                out.append(value if value == value and abs(value) != float("inf") else None)
            else:
                return [None]
        return out


def _degrees(values: list[float | None]) -> float | None:
    if not values or any(v is None for v in values):
        return None
    total = 0.0
    for value, scale in zip(values, (1.0, 60.0, 3600.0), strict=False):
        total += value / scale  # type: ignore[operator]
    return total


def _exif_time(text: str | None) -> str | None:
    if not text:
        return None
    text = text[:40]
    m = re.match(r"(\d{4})[:\-](\d{2})[:\-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})", text)
    if m is None:
        return text
    if m.group(1) == "0000":
        return None
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)} {m.group(4)}:{m.group(5)}:{m.group(6)}"


@dataclass
class _ExifInfo:
    tags: frozenset[int] = frozenset()
    lat: float | None = None
    lon: float | None = None
    gps_tags: bool = False
    gps_damaged: bool = False
    time: str | None = None
    make: str | None = None
    model: str | None = None
    orientation: int | None = None
    xmp: bytes | None = None
    damaged: bool = False


def _read_gps(tiff: _Tiff, offset: int, info: _ExifInfo) -> None:
    try:
        gps = tiff.ifd(offset)
    except (_Bad, struct.error):
        info.gps_damaged = True
        return
    if _GPS_LAT not in gps and _GPS_LON not in gps:
        return
    info.gps_tags = True
    try:
        lat = _degrees(tiff.numbers(gps[_GPS_LAT])) if _GPS_LAT in gps else None
        lon = _degrees(tiff.numbers(gps[_GPS_LON])) if _GPS_LON in gps else None
    except (_Bad, struct.error):
        lat = lon = None
    if lat is None or lon is None:
        info.gps_damaged = True
        return
    if (tiff.text(gps, _GPS_LAT_REF) or "N")[:1].upper() == "S":
        lat = -lat
    if (tiff.text(gps, _GPS_LON_REF) or "E")[:1].upper() == "W":
        lon = -lon
    if lat == 0 and lon == 0:
        return  # what a camera without a GPS fix writes
    info.lat, info.lon = lat, lon


def parse_exif(src: _Src, base: int = 0, whole_file: bool = False) -> _ExifInfo:
    """Read IFD0, the EXIF sub-IFD and the GPS IFD of the TIFF structure at ``base``."""
    info = _ExifInfo()
    try:
        tiff = _Tiff(src, base)
        ifd0 = tiff.ifd(tiff.ifd0)
    except (_Bad, struct.error):
        info.damaged = True
        return info
    info.tags = frozenset(ifd0)
    info.make = tiff.text(ifd0, _MAKE)
    info.model = tiff.text(ifd0, _MODEL)
    info.orientation = tiff.integer(ifd0, ORIENTATION_TAG)
    when = None
    exif_off = tiff.integer(ifd0, _EXIF_IFD)
    if exif_off:
        try:
            sub = tiff.ifd(exif_off)
            when = tiff.text(sub, _DATETIME_ORIGINAL) or tiff.text(sub, _DATETIME_DIGITIZED)
        except (_Bad, struct.error):
            pass  # a damaged EXIF sub-IFD loses the time only
    info.time = _exif_time(when or tiff.text(ifd0, _DATETIME))
    if _GPS_IFD in ifd0:
        gps_off = tiff.integer(ifd0, _GPS_IFD)
        if gps_off:
            _read_gps(tiff, gps_off, info)
    if whole_file and _XMP_TAG in ifd0:
        entry = ifd0[_XMP_TAG]
        try:
            info.xmp = tiff.value(entry, MAX_SEGMENT)
        except (_Bad, KeyError):
            pass
    return info


# -- XMP ----------------------------------------------------------------------------------
def _xmp_coordinate(text: str) -> float | None:
    """``"43,28.0469N"``, ``"43,28,2.81N"`` or ``"-43.4674"`` -> decimal degrees."""
    text = text.strip()
    sign = 1.0
    if text and text[-1] in "NSEWnsew":
        sign = -1.0 if text[-1] in "SWsw" else 1.0
        text = text[:-1]
    try:
        parts = [float(p) for p in text.split(",")[:3]]
    except ValueError:
        return None
    value = _degrees(list(parts))
    if value is None or value != value or abs(value) == float("inf"):
        return None
    return sign * value


def parse_xmp_gps(xmp: bytes) -> tuple[float, float] | None:
    """(lat, lon) from an XMP packet's ``exif:GPSLatitude``/``GPSLongitude``, if both exist."""
    if b"GPS" not in xmp:
        return None
    found: dict[bytes, float | None] = {}
    for m in _XMP_GPS.finditer(xmp[:MAX_SEGMENT]):
        which = m.group(1)
        if which in found:
            continue
        raw = (m.group(2) or m.group(3) or b"").decode("ascii", "replace")
        found[which] = _xmp_coordinate(raw)
        if len(found) == 2:
            break
    lat, lon = found.get(b"Latitude"), found.get(b"Longitude")
    if lat is None or lon is None or (lat == 0 and lon == 0):
        return None
    return lat, lon


# -- containers ---------------------------------------------------------------------------
def detect_format(head: bytes) -> str | None:
    """The container from the first bytes: jpeg, png, tiff, webp, heif; None otherwise."""
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and len(head) >= 12:
        size = struct.unpack(">I", head[:4])[0]
        brands = {head[8:12]}
        brands.update(head[i:i + 4] for i in range(16, min(size, len(head), 64) - 3, 4))
        if brands & HEIF_BRANDS:
            return "heif"
    return None


def _strip_exif_header(data: bytes) -> bytes:
    return data[6:] if data[:6] == _EXIF_HEADER else data


def _jpeg(src: _Src, found: _Found) -> None:
    pos = 2
    while True:
        head = src.read(pos, 4)
        if len(head) < 2 or head[0] != 0xFF:
            found.damaged = True
            return
        marker = head[1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker in (0xDA, 0xD9):  # start of scan: metadata ends here
            return
        if len(head) < 4:
            found.damaged = True
            return
        length = (head[2] << 8) | head[3]
        if length < 2:
            found.damaged = True
            return
        if marker == 0xE1:
            data = src.read(pos + 4, length - 2)
            if len(data) < length - 2:
                if data.startswith(_EXIF_HEADER) and found.exif is None:
                    raise _Bad  # the EXIF block itself is cut off
                found.damaged = True
                return
            if data.startswith(_EXIF_HEADER):
                if found.exif is None:
                    found.exif = data[6:]
            elif data.startswith(_XMP_NS):
                found.has_xmp = True
                found.xmp.append(data[len(_XMP_NS):])
            elif data.startswith(_XMP_EXT_NS):
                found.has_xmp = True
                found.xmp.append(data[len(_XMP_EXT_NS):])
        pos += 2 + length


_RAW_PROFILE = re.compile(rb"\s*[A-Za-z0-9]*\s*\n\s*(\d{1,9})\s*\n(.*)", re.S)


def _raw_profile(text: bytes) -> bytes | None:
    """ImageMagick's ``Raw profile type exif``: a name, a length, then hex digits."""
    m = _RAW_PROFILE.match(text)
    if m is None:
        return None
    digits = re.sub(rb"[^0-9a-fA-F]", b"", m.group(2)[: 2 * MAX_SEGMENT + MAX_SEGMENT // 8])
    try:
        return bytes.fromhex(digits[: 2 * (len(digits) // 2)].decode("ascii"))
    except ValueError:
        return None


def _inflate(data: bytes) -> bytes | None:
    try:
        out = zlib.decompressobj().decompress(data, MAX_SEGMENT)
    except zlib.error:
        return None
    return out


def _png_text(ctype: bytes, data: bytes, found: _Found) -> None:
    keyword, sep, rest = data.partition(b"\x00")
    if not sep:
        return
    if ctype == b"iTXt":
        if len(rest) < 2:
            return
        compressed, rest = rest[0], rest[2:]
        _lang, _, rest = rest.partition(b"\x00")
        _translated, _, text = rest.partition(b"\x00")
        if compressed:
            text = _inflate(text) or b""
    elif ctype == b"zTXt":
        text = _inflate(rest[1:]) or b""
    else:
        text = rest
    if keyword == b"XML:com.adobe.xmp":
        found.has_xmp = True
        found.xmp.append(text)
    elif keyword.lower() in (b"raw profile type exif", b"raw profile type app1"):
        blob = _raw_profile(text)
        if blob and found.exif is None:
            blob = blob[blob.find(_EXIF_HEADER) + 6:] if _EXIF_HEADER in blob[:64] else blob
            found.exif = blob
    elif keyword.lower() == b"raw profile type xmp":
        blob = _raw_profile(text)
        if blob:
            found.has_xmp = True
            found.xmp.append(blob)


def _png(src: _Src, found: _Found) -> None:
    pos = 8
    for _ in range(src.total // 12 + 1):
        head = src.read(pos, 8)
        if len(head) < 8:
            break
        length, ctype = struct.unpack(">I4s", head)
        end = pos + 8 + length + 4
        if end > src.total:
            break
        if ctype == b"IEND":
            return
        if ctype in (b"eXIf", b"iTXt", b"tEXt", b"zTXt"):
            if length > MAX_SEGMENT:
                raise _Bad
            data = src.exact(pos + 8, length)
            if ctype == b"eXIf":
                if found.exif is None:
                    found.exif = _strip_exif_header(data)
            else:
                _png_text(ctype, data, found)
        pos = end
    found.damaged = True  # no IEND: the file was cut off


def _webp(src: _Src, found: _Found) -> None:
    riff_size = struct.unpack("<I", src.exact(4, 4))[0]
    end = 8 + riff_size
    if end > src.total:
        found.damaged = True
        end = src.total
    pos = 12
    while pos + 8 <= end:
        fourcc, size = struct.unpack("<4sI", src.exact(pos, 8))
        data_end = pos + 8 + size
        if data_end > src.total:
            found.damaged = True
            return
        if fourcc in (b"EXIF", b"XMP "):
            if size > MAX_SEGMENT:
                raise _Bad
            data = src.exact(pos + 8, size)
            if fourcc == b"EXIF":
                if found.exif is None:
                    found.exif = _strip_exif_header(data)
            else:
                found.has_xmp = True
                found.xmp.append(data)
        pos = data_end + (size & 1)


def _boxes(src: _Src, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """ISO BMFF boxes in [start, end): (type, payload start, box end)."""
    pos = start
    count = 0
    while pos + 8 <= end:
        count += 1
        if count > MAX_BOXES:
            raise _Bad
        size, typ = struct.unpack(">I4s", src.exact(pos, 8))
        header = 8
        if size == 1:
            size = struct.unpack(">Q", src.exact(pos + 8, 8))[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise _Bad
        yield typ, pos + header, pos + size
        pos += size


def _uint(data: bytes, pos: int, size: int) -> tuple[int, int]:
    if size == 0:
        return 0, pos
    if size not in (2, 4, 8) or pos + size > len(data):
        raise _Bad
    return int.from_bytes(data[pos:pos + size], "big"), pos + size


def _iinf(data: bytes) -> dict[int, tuple[bytes, bytes]]:
    """item id -> (item type, content type) from an ``iinf`` payload (full box)."""
    version = data[0]
    start = 4 + (2 if version == 0 else 4)
    items: dict[int, tuple[bytes, bytes]] = {}
    sub = _Src(data)
    for typ, p, end in _boxes(sub, start, len(data)):
        if typ != b"infe":
            continue
        v = data[p]
        if v < 2:
            continue
        q = p + 4
        item_id, q = _uint(data, q, 2 if v == 2 else 4)
        q += 2  # protection index
        item_type = data[q:q + 4]
        q += 4
        _name, _, rest = data[q:end].partition(b"\x00")
        content_type = rest.partition(b"\x00")[0] if item_type == b"mime" else b""
        items[item_id] = (item_type, content_type)
    return items


def _iloc(data: bytes) -> dict[int, tuple[int, list[tuple[int, int]]]]:
    """item id -> (construction method, [(offset, length)]) from an ``iloc`` payload."""
    version = data[0]
    if version > 2:
        raise _Bad
    q = 4
    sizes = data[q:q + 2]
    if len(sizes) < 2:
        raise _Bad
    q += 2
    offset_size, length_size = sizes[0] >> 4, sizes[0] & 15
    base_size, index_size = sizes[1] >> 4, (sizes[1] & 15) if version in (1, 2) else 0
    if any(s not in (0, 4, 8) for s in (offset_size, length_size, base_size, index_size)):
        raise _Bad
    count, q = _uint(data, q, 2 if version < 2 else 4)
    out: dict[int, tuple[int, list[tuple[int, int]]]] = {}
    for _ in range(count):
        if q >= len(data):
            raise _Bad
        item_id, q = _uint(data, q, 2 if version < 2 else 4)
        method = 0
        if version in (1, 2):
            raw, q = _uint(data, q, 2)
            method = raw & 15
        q += 2  # data reference index
        base, q = _uint(data, q, base_size)
        extents_n, q = _uint(data, q, 2)
        extents = []
        for _ in range(extents_n):
            _index, q = _uint(data, q, index_size)
            off, q = _uint(data, q, offset_size)
            length, q = _uint(data, q, length_size)
            extents.append((base + off, length))
        out[item_id] = (method, extents)
    return out


def _heif_item(src: _Src, method: int, extents: list[tuple[int, int]],
               idat: int | None) -> bytes:
    chunks = []
    total = 0
    for off, length in extents:
        if method == 1:
            if idat is None:
                raise _Bad
            off += idat
        elif method != 0:
            raise _Bad
        if length == 0:
            length = src.total - off
        total += length
        if total > MAX_SEGMENT:
            raise _Bad
        chunks.append(src.exact(off, length))
    return b"".join(chunks)


def _heif(src: _Src, found: _Found) -> None:
    meta = None
    for typ, start, end in _boxes(src, 0, src.total):
        if typ == b"meta":
            meta = (start, end)
            break
    if meta is None:
        raise _Bad
    start, end = meta
    if end - start > MAX_SEGMENT:
        raise _Bad
    data = src.exact(start, end - start)
    inner = _Src(data)
    items: dict[int, tuple[bytes, bytes]] = {}
    locations: dict[int, tuple[int, list[tuple[int, int]]]] = {}
    idat: int | None = None
    for typ, p, e in _boxes(inner, 4, len(data)):
        if typ == b"iinf":
            items = _iinf(data[p:e])
        elif typ == b"iloc":
            locations = _iloc(data[p:e])
        elif typ == b"idat":
            idat = start + p
    for item_id, (item_type, content_type) in sorted(items.items()):
        is_xmp = item_type == b"mime" and content_type.startswith(b"application/rdf+xml")
        if item_type != b"Exif" and not is_xmp:
            continue
        if item_id not in locations:
            raise _Bad
        method, extents = locations[item_id]
        payload = _heif_item(src, method, extents, idat)
        if is_xmp:
            found.has_xmp = True
            found.xmp.append(payload)
        elif found.exif is None:
            if len(payload) < 4:
                raise _Bad
            skip = 4 + struct.unpack(">I", payload[:4])[0]
            tiff = payload[skip:]
            if tiff[:4] not in (b"II*\x00", b"MM\x00*"):
                at = [i for i in (payload.find(b"II*\x00", 0, 64), payload.find(b"MM\x00*", 0, 64))
                      if i >= 0]
                if not at:
                    raise _Bad
                tiff = payload[min(at):]
            found.exif = tiff


_READERS: dict[str, Callable[[_Src, _Found], None]] = {
    "jpeg": _jpeg, "png": _png, "webp": _webp, "heif": _heif,
}


def _parse(src: _Src) -> PhotoMeta:
    fmt = detect_format(src.read(0, 64))
    if fmt is None:
        raise PhotoError("photo.unreadable.not_photo")
    found = _Found(fmt)
    if fmt == "tiff":
        info = parse_exif(src, 0, whole_file=True)
        if info.damaged:
            raise _Bad
        if info.xmp is not None:
            found.has_xmp = True
            found.xmp.append(info.xmp)
    else:
        _READERS[fmt](src, found)
        info = parse_exif(_Src(found.exif)) if found.exif is not None else _ExifInfo()
        if found.exif is not None and info.damaged and not found.xmp:
            raise _Bad  # EXIF is there but unreadable: it might hold a location
    lat, lon, source = info.lat, info.lon, "exif" if info.lat is not None else None
    if lat is None:
        for packet in found.xmp:
            coords = parse_xmp_gps(packet)
            if coords is not None:
                lat, lon = coords
                source = "xmp"
                break
    return PhotoMeta(
        format=fmt, lat=lat, lon=lon, gps_source=source,
        gps_damaged=info.gps_damaged and lat is None,
        time=info.time, make=info.make, model=info.model, orientation=info.orientation,
        exif_tags=info.tags, has_exif=found.exif is not None or fmt == "tiff",
        has_xmp=found.has_xmp, damaged=found.damaged or (info.damaged and found.exif is not None),
    )


def parse_metadata(data: bytes) -> PhotoMeta:
    """Metadata of a whole image held in memory; ``PhotoError`` for anything unreadable."""
    return _guarded(_Src(bytes(data)))


def _guarded(src: _Src) -> PhotoMeta:
    try:
        return _parse(src)
    except PhotoError:
        raise
    except (_Bad, struct.error, IndexError, ValueError, KeyError, OverflowError,
            MemoryError, RecursionError):
        raise PhotoError("photo.unreadable.damaged") from None


def read_metadata(path: str | os.PathLike[str]) -> PhotoMeta:
    """Metadata of the photo at ``path``: the head and a few seeks, never the pixels."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
            if not head:
                raise PhotoError("photo.unreadable.empty")
            total = len(head) if len(head) < HEAD_BYTES else os.fstat(fh.fileno()).st_size
            return _guarded(_Src(head, total, fh))
    except PhotoError:
        raise
    except OSError:
        raise PhotoError("photo.unreadable.io") from None


# -- walking folders ----------------------------------------------------------------------
@dataclass(frozen=True)
class Unreadable:
    """A photo that could not be checked, and why (a catalog key)."""

    path: str
    reason: str


@dataclass(frozen=True)
class PhotoResult:
    """One photo that was read."""

    path: str
    meta: PhotoMeta


def iter_candidates(paths: Iterable[str | os.PathLike[str]],
                    exclude: Iterable[Path] = ()) -> Iterator[tuple[Path, bool]]:
    """Files to look at: (path, named explicitly). Folders are walked in name order,
    without following links to folders; folders in ``exclude`` (the clean-copy folder)
    are skipped."""
    skip = {os.path.normcase(os.path.realpath(p)) for p in exclude}
    for given in paths:
        path = Path(given)
        if not path.is_dir():
            yield path, True
            continue
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs
                             if os.path.normcase(os.path.realpath(os.path.join(root, d)))
                             not in skip)
            for name in sorted(files):
                yield Path(root) / name, False


def looks_like_photo(path: Path) -> bool:
    """A file found in a folder is examined if its name or its first bytes say image."""
    if path.suffix.lower() in IMAGE_EXTENSIONS:
        return True
    try:
        with open(path, "rb") as fh:
            return detect_format(fh.read(64)) is not None
    except OSError:
        return False


@dataclass
class ScanResult:
    """Everything a photo scan found."""

    photos: list[PhotoResult] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    other_files: int = 0  # files in folders that are not photos (videos, documents)

    @property
    def files_scanned(self) -> int:
        return len(self.photos) + len(self.unreadable)

    @property
    def with_location(self) -> list[PhotoResult]:
        return [p for p in self.photos if p.meta.has_location]


def scan(paths: Iterable[str | os.PathLike[str]], exclude: Iterable[Path] = (),
         progress: Callable[[int], None] | None = None) -> ScanResult:
    """Check every photo under ``paths``; a file that cannot be read is listed, not fatal."""
    return scan_candidates(iter_candidates(paths, exclude), progress)


def scan_candidates(candidates: Iterable[tuple[Path, bool]],
                    progress: Callable[[int], None] | None = None) -> ScanResult:
    """Check the files from ``iter_candidates`` (collected first to size a progress bar)."""
    result = ScanResult()
    for path, explicit in candidates:
        if not explicit and not looks_like_photo(path):
            result.other_files += 1
            continue
        try:
            meta = read_metadata(path)
        except PhotoError as exc:
            # Named on the command line or called *.jpg etc.: a photo we could not read.
            result.unreadable.append(Unreadable(str(path), exc.key))
        else:
            if meta.gps_damaged:
                result.unreadable.append(Unreadable(str(path), "photo.unreadable.gps_damaged"))
            elif meta.damaged and not meta.has_location:
                result.unreadable.append(Unreadable(str(path), "photo.unreadable.damaged"))
            else:
                result.photos.append(PhotoResult(str(path), meta))
        if progress is not None:
            progress(1)
    return result


# -- clean copies -------------------------------------------------------------------------
class StripError(PhotoError):
    """A clean copy could not be made (or failed its check); nothing was written."""

    key = "photo.strip.failed"


def orientation_exif(orientation: int) -> bytes:
    """A TIFF block holding only the Orientation tag (little-endian)."""
    return (b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1)
            + struct.pack("<HHIHH", ORIENTATION_TAG, 3, 1, orientation, 0)
            + struct.pack("<I", 0))


def strip_jpeg(data: bytes, orientation: int | None = None) -> bytes:
    """The JPEG without EXIF, XMP, IPTC, comments, thumbnails or trailing data.

    Kept: JFIF, ICC profile and Adobe segments (needed to show colours right) and every
    segment of the image itself, byte for byte.
    """
    if data[:2] != b"\xff\xd8":
        raise StripError()
    out = [b"\xff\xd8"]
    if orientation and orientation != 1:
        block = _EXIF_HEADER + orientation_exif(orientation)
        out.append(b"\xff\xe1" + struct.pack(">H", len(block) + 2) + block)
    n = len(data)
    pos = 2
    while True:
        if pos + 2 > n or data[pos] != 0xFF:
            raise StripError()
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker == 0xD9:
            out.append(b"\xff\xd9")
            return b"".join(out)
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if pos + 4 > n:
            raise StripError()
        length = (data[pos + 2] << 8) | data[pos + 3]
        end = pos + 2 + length
        if length < 2 or end > n:
            raise StripError()
        keep = True
        if 0xE0 <= marker <= 0xEF:
            body = data[pos + 4:pos + 16]
            # APP0 only as JFIF: a JFXX thumbnail could show the uncropped picture.
            keep = ((marker == 0xE0 and body.startswith(b"JFIF\x00")) or marker == 0xEE
                    or (marker == 0xE2 and body == b"ICC_PROFILE\x00"))
        elif marker == 0xFE:  # comment
            keep = False
        if keep:
            out.append(data[pos:end])
        pos = end
        if marker == 0xDA:  # entropy-coded data up to the next real marker
            scan_start = pos
            while True:
                j = data.find(b"\xff", pos)
                if j < 0 or j + 1 >= n:
                    raise StripError()
                nxt = data[j + 1]
                # Stuffed 0x00, restart markers, fill bytes, and (in damaged files)
                # reserved codes below 0xC0 are part of the scan data: copy them as they are.
                if nxt < 0xC0 or 0xD0 <= nxt <= 0xD7 or nxt == 0xFF:
                    pos = j + 1
                    continue
                break
            out.append(data[scan_start:j])
            pos = j


_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP",
             b"sBIT", b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT", b"cICP", b"mDCv", b"cLLi"}


def _png_chunk(ctype: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + ctype + data
            + struct.pack(">I", zlib.crc32(ctype + data) & 0xFFFFFFFF))


def strip_png(data: bytes, orientation: int | None = None) -> bytes:
    """The PNG with only image and colour chunks (no text, time, EXIF or private chunks)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise StripError()
    out = [data[:8]]
    pos = 8
    n = len(data)
    while True:
        if pos + 12 > n:
            raise StripError()
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 12 + length
        if end > n:
            raise StripError()
        if ctype in _PNG_KEEP:
            out.append(data[pos:end])
        if ctype == b"IHDR" and orientation and orientation != 1:
            out.append(_png_chunk(b"eXIf", orientation_exif(orientation)))
        pos = end
        if ctype == b"IEND":
            return b"".join(out)


_WEBP_KEEP = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}


def strip_webp(data: bytes, orientation: int | None = None) -> bytes:
    """The WebP without EXIF, XMP or unknown chunks; the image chunks byte for byte."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise StripError()
    end = min(len(data), 8 + struct.unpack("<I", data[4:8])[0])
    chunks: list[bytes] = []
    has_vp8x = False
    pos = 12
    while pos + 8 <= end:
        fourcc, size = struct.unpack("<4sI", data[pos:pos + 8])
        stop = pos + 8 + size + (size & 1)
        if pos + 8 + size > len(data):
            raise StripError()
        if fourcc == b"VP8X":
            has_vp8x = True
            body = bytearray(data[pos + 8:pos + 8 + size])
            if body:
                body[0] &= ~0x0C & 0xFF  # clear the EXIF and XMP flags
                if orientation and orientation != 1:
                    body[0] |= 0x08
            chunks.append(data[pos:pos + 8] + bytes(body) + data[pos + 8 + size:stop])
        elif fourcc in _WEBP_KEEP:
            chunks.append(data[pos:stop])
        pos = stop
    if has_vp8x and orientation and orientation != 1:
        block = orientation_exif(orientation)
        chunks.append(b"EXIF" + struct.pack("<I", len(block)) + block)
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _strip_decoded(path: Path, fmt: str) -> tuple[bytes, str]:
    """Decode and save again without metadata, orientation applied; (bytes, extension)."""
    import io

    from PIL import Image, ImageOps

    if fmt == "heif":
        try:
            from pillow_heif import register_heif_opener
        except ImportError:
            raise StripError("photo.strip.no_heif") from None
        register_heif_opener()
    try:
        with Image.open(path) as im:
            im.load()
            turned = ImageOps.exif_transpose(im)
            clean = turned.copy() if turned is im else turned
        icc = clean.info.get("icc_profile")
        transparent = "transparency" in clean.info
        clean.info = {}
        buf = io.BytesIO()
        if fmt == "tiff":
            clean.save(buf, "TIFF", compression="tiff_lzw",
                       **({"icc_profile": icc} if icc else {}))
            return buf.getvalue(), path.suffix or ".tif"
        if clean.mode in ("RGBA", "LA", "PA") or transparent:
            clean.save(buf, "PNG", **({"icc_profile": icc} if icc else {}))
            return buf.getvalue(), ".png"
        clean.convert("RGB").save(buf, "JPEG", quality=95, subsampling=0,
                                  **({"icc_profile": icc} if icc else {}))
        return buf.getvalue(), ".jpg"
    except StripError:
        raise
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a broken file
        raise StripError() from None


def verify_clean(data: bytes) -> PhotoMeta:
    """Read a copy back: no location, no XMP, no EXIF beyond orientation, else StripError."""
    try:
        meta = parse_metadata(data)
    except PhotoError:
        raise StripError("photo.strip.verify_failed") from None
    if (meta.has_location or meta.gps_damaged or meta.has_xmp
            or (meta.format != "tiff" and not meta.exif_tags <= {ORIENTATION_TAG})
            or (meta.format == "tiff" and _GPS_IFD in meta.exif_tags)
            or (meta.format == "tiff" and _EXIF_IFD in meta.exif_tags)
            or (meta.format == "tiff" and _XMP_TAG in meta.exif_tags)
            or b"http://ns.adobe.com/xap/1.0/" in data[:HEAD_BYTES]):
        raise StripError("photo.strip.verify_failed")
    return meta


def clean_bytes(path: Path, meta: PhotoMeta) -> tuple[bytes, str]:
    """A clean copy of the photo at ``path`` as (bytes, file extension), already verified."""
    if meta.format in ("jpeg", "png", "webp"):
        try:
            data = path.read_bytes()
        except OSError:
            raise StripError("photo.unreadable.io") from None
        strip = {"jpeg": strip_jpeg, "png": strip_png, "webp": strip_webp}[meta.format]
        try:
            out = strip(data, meta.orientation)
        except (struct.error, IndexError, ValueError):
            raise StripError() from None
        ext = path.suffix or {"jpeg": ".jpg", "png": ".png", "webp": ".webp"}[meta.format]
    else:
        out, ext = _strip_decoded(path, meta.format)
    verify_clean(out)
    return out, ext


def unique_path(folder: Path, stem: str, ext: str, taken: set[str]) -> Path:
    """``folder/stem-clean.ext``, numbered when that name exists or was used in this run."""
    for i in range(10000):
        name = f"{stem}-clean{'-' + str(i) if i else ''}{ext}"
        candidate = folder / name
        if name not in taken and not candidate.exists():
            taken.add(name)
            return candidate
    raise StripError()


def write_clean_copy(path: Path, meta: PhotoMeta, outdir: Path, taken: set[str],
                     originals: set[str]) -> Path:
    """Write a verified clean copy into ``outdir``; never onto an original."""
    from safetycheck.storage.paths import secure_output_file

    data, ext = clean_bytes(path, meta)
    target = unique_path(outdir, path.stem, ext, taken)
    if os.path.normcase(os.path.realpath(target)) in originals:
        raise StripError()
    try:
        secure_output_file(target, data)
    except OSError:
        raise StripError("photo.strip.write_failed") from None
    return target
