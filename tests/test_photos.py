"""Photo location scan and clean copies: our own generated fixtures, real samples, exiftool.

Fixtures are written at test time with Pillow (JPEG, PNG, TIFF, WebP, HEIF) or byte by byte
(EXIF blocks with odd rationals, damaged files), so the tests show exactly what each file
holds. The real samples in ../shared/data/photos/exif-samples are used only where present.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from conftest import SHARED, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, PngImagePlugin

from safetycheck.errors import EXIT_USAGE
from safetycheck.probes import photos
from safetycheck.probes.photos import (
    ORIENTATION_TAG,
    PhotoError,
    parse_metadata,
    read_metadata,
    scan,
    strip_jpeg,
    verify_clean,
)

SAMPLES = SHARED / "data" / "photos" / "exif-samples"
EXIFTOOL = shutil.which("exiftool")
LAT = (43.0, 28.0, 2.814)
LON = (11.0, 53.0, 6.456)
LAT_DEC = 43 + 28 / 60 + 2.814 / 3600
LON_DEC = 11 + 53 / 60 + 6.456 / 3600
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
       b'22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
       b'exif:GPSLatitude="43,28.0469N" exif:GPSLongitude="11,53.1076W"/></rdf:RDF>'
       b'</x:xmpmeta>')


def heif_available() -> bool:
    try:
        import pillow_heif
    except ImportError:
        return False
    pillow_heif.register_heif_opener()
    return True


FORMATS = ["JPEG", "PNG", "TIFF", "WEBP"] + (["HEIF"] if heif_available() else [])
EXT = {"JPEG": ".jpg", "PNG": ".png", "TIFF": ".tif", "WEBP": ".webp", "HEIF": ".heic"}


def pillow_exif(gps: bool = True, lat_ref: str = "N", lon_ref: str = "E",
                orientation: int | None = None) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "PhoneMaker Model 7"
    exif[0x0132] = "2024:05:06 07:08:09"
    if orientation:
        exif[ORIENTATION_TAG] = orientation
    if gps:
        exif[ExifTags.IFD.GPSInfo] = {1: lat_ref, 2: LAT, 3: lon_ref, 4: LON}
    return exif.tobytes()


def picture(size=(32, 24)) -> Image.Image:
    im = Image.new("RGB", size)
    im.putdata([((x * 7) % 256, (y * 11) % 256, (x * y) % 256)
                for y in range(size[1]) for x in range(size[0])])
    return im


def image_bytes(fmt: str, exif: bytes | None = None, xmp: bytes | None = None) -> bytes:
    buf = io.BytesIO()
    kw: dict = {}
    if exif is not None:
        kw["exif"] = exif
    if xmp is not None:
        if fmt == "PNG":
            info = PngImagePlugin.PngInfo()
            info.add_itxt("XML:com.adobe.xmp", xmp.decode())
            kw["pnginfo"] = info
        elif fmt == "TIFF":
            kw["tiffinfo"] = {700: xmp}
        else:
            kw["xmp"] = xmp
    if fmt == "JPEG":
        kw["quality"] = 90
    picture().save(buf, fmt, **kw)
    return buf.getvalue()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- EXIF blocks written byte by byte ---------------------------------------------------
def _ifd(entries: list[tuple[int, int, int, bytes]], start: int, e: str) -> bytes:
    data_off = start + 2 + 12 * len(entries) + 4
    head, data = [struct.pack(e + "H", len(entries))], b""
    for tag, typ, count, payload in sorted(entries):
        if len(payload) <= 4:
            head.append(struct.pack(e + "HHI", tag, typ, count) + payload.ljust(4, b"\0"))
        else:
            head.append(struct.pack(e + "HHII", tag, typ, count, data_off + len(data)))
            data += payload + (b"\0" if len(payload) % 2 else b"")
    head.append(struct.pack(e + "I", 0))
    return b"".join(head) + data


def rationals(e: str, *pairs: tuple[int, int], signed: bool = False) -> tuple[int, int, bytes]:
    fmt = e + ("ii" if signed else "II")
    return 10 if signed else 5, len(pairs), b"".join(struct.pack(fmt, n, d) for n, d in pairs)


def ascii_(text: str) -> tuple[int, int, bytes]:
    raw = text.encode() + b"\0"
    return 2, len(raw), raw


def exif_block(gps: dict[int, tuple[int, int, bytes]] | None, e: str = "<",
               gps_pointer: int | None = None) -> bytes:
    """A TIFF block: IFD0 (Make, GPS pointer) then the GPS IFD."""
    def ifd0(pointer: int) -> bytes:
        entries = [(0x010F, *ascii_("ByteMaker"))]
        if gps is not None or gps_pointer is not None:
            entries.append((0x8825, 4, 1, struct.pack(e + "I", pointer)))
        return _ifd(entries, 8, e)

    size = len(ifd0(0))
    pointer = gps_pointer if gps_pointer is not None else 8 + size
    head = (b"II*\0" if e == "<" else b"MM\0*") + struct.pack(e + "I", 8)
    gps_ifd = _ifd([(tag, *v) for tag, v in (gps or {}).items()], 8 + size, e)
    return head + ifd0(pointer) + (gps_ifd if gps is not None else b"")


def jpeg_with(*segments: bytes, trailer: bytes = b"") -> bytes:
    """A real Pillow JPEG (no metadata) with our segments right after SOI."""
    base = image_bytes("JPEG")
    return base[:2] + b"".join(segments) + base[2:] + trailer


def app1(payload: bytes, marker: int = 0xE1) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def exif_app1(block: bytes) -> bytes:
    return app1(b"Exif\0\0" + block)


def gps_entries(e: str = "<", lat_ref: str | None = "N", lon_ref: str | None = "E",
                lat=((43, 1), (28, 1), (2814, 1000)), lon=((11, 1), (53, 1), (6456, 1000)),
                signed: bool = False):
    out = {2: rationals(e, *lat, signed=signed), 4: rationals(e, *lon, signed=signed)}
    if lat_ref is not None:
        out[1] = ascii_(lat_ref)
    if lon_ref is not None:
        out[3] = ascii_(lon_ref)
    return out


# -- reading ----------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("refs,signs", [(("N", "E"), (1, 1)), (("S", "W"), (-1, -1)),
                                        (("S", "E"), (-1, 1))])
def test_gps_in_every_format(fmt, refs, signs):
    meta = parse_metadata(image_bytes(fmt, pillow_exif(True, *refs)))
    assert meta.format == {"JPEG": "jpeg", "PNG": "png", "TIFF": "tiff", "WEBP": "webp",
                           "HEIF": "heif"}[fmt]
    assert meta.lat == pytest.approx(signs[0] * LAT_DEC, abs=1e-9)
    assert meta.lon == pytest.approx(signs[1] * LON_DEC, abs=1e-9)
    assert meta.gps_source == "exif"
    assert (meta.make, meta.model, meta.time) == ("PhoneMaker", "PhoneMaker Model 7",
                                                  "2024-05-06 07:08:09")


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_gps_in_every_format(fmt):
    meta = parse_metadata(image_bytes(fmt, pillow_exif(gps=False)))
    assert not meta.has_location and meta.lat is None and not meta.gps_damaged
    assert meta.model == "PhoneMaker Model 7"
    plain = parse_metadata(image_bytes(fmt))
    assert not plain.has_location


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "TIFF"] + ["TIFF"])
def test_gps_in_xmp_only(fmt):
    meta = parse_metadata(image_bytes(fmt, xmp=XMP))
    assert meta.has_xmp and meta.gps_source == "xmp"
    assert meta.lat == pytest.approx(43 + 28.0469 / 60, abs=1e-9)
    assert meta.lon == pytest.approx(-(11 + 53.1076 / 60), abs=1e-9)


def test_xmp_element_form_and_extension_segments():
    packet = (b"<rdf:Description><exif:GPSLatitude>51,1.5S</exif:GPSLatitude>"
              b"<exif:GPSLongitude>7,35.5E</exif:GPSLongitude></rdf:Description>")
    meta = parse_metadata(jpeg_with(app1(b"http://ns.adobe.com/xap/1.0/\0" + packet)))
    assert (meta.lat, meta.lon) == (pytest.approx(-51.025), pytest.approx(7 + 35.5 / 60))
    meta = parse_metadata(jpeg_with(app1(b"http://ns.adobe.com/xmp/extension/\0" + packet)))
    assert meta.has_location


@pytest.mark.parametrize("e", ["<", ">"])
def test_byte_orders(e):
    meta = parse_metadata(jpeg_with(exif_app1(exif_block(gps_entries(e), e))))
    assert meta.lat == pytest.approx(LAT_DEC) and meta.lon == pytest.approx(LON_DEC)
    assert meta.make == "ByteMaker"


def test_zero_over_zero_counts_as_zero():
    entries = gps_entries(lat=((43, 1), (28, 1), (0, 0)), lon=((11, 1), (0, 0), (0, 0)))
    meta = parse_metadata(jpeg_with(exif_app1(exif_block(entries))))
    assert meta.lat == pytest.approx(43 + 28 / 60) and meta.lon == pytest.approx(11.0)


def test_zero_denominator_makes_the_location_damaged(tmp_path):
    entries = gps_entries(lat=((43, 0), (28, 1), (0, 1)))
    data = jpeg_with(exif_app1(exif_block(entries)))
    meta = parse_metadata(data)
    assert not meta.has_location and meta.gps_damaged
    (tmp_path / "a.jpg").write_bytes(data)
    result = scan([tmp_path])
    assert [(Path(u.path).name, u.reason) for u in result.unreadable] == [
        ("a.jpg", "photo.unreadable.gps_damaged")]


def test_missing_and_lower_case_refs_and_signed_rationals():
    meta = parse_metadata(jpeg_with(exif_app1(exif_block(gps_entries(lat_ref=None,
                                                                      lon_ref=None)))))
    assert meta.lat > 0 and meta.lon > 0
    meta = parse_metadata(jpeg_with(exif_app1(exif_block(gps_entries(lat_ref="s",
                                                                      lon_ref="w")))))
    assert meta.lat == pytest.approx(-LAT_DEC) and meta.lon == pytest.approx(-LON_DEC)
    meta = parse_metadata(jpeg_with(exif_app1(exif_block(gps_entries(signed=True)))))
    assert meta.lat == pytest.approx(LAT_DEC)


def test_decimal_degrees_in_one_rational():
    entries = gps_entries(lat=((434674483, 10000000),), lon=((118851267, 10000000),))
    meta = parse_metadata(jpeg_with(exif_app1(exif_block(entries))))
    assert meta.lat == pytest.approx(43.4674483) and meta.lon == pytest.approx(11.8851267)


def test_all_zero_position_is_not_a_location():
    entries = gps_entries(lat=((0, 1), (0, 1), (0, 1)), lon=((0, 1), (0, 1), (0, 1)))
    meta = parse_metadata(jpeg_with(exif_app1(exif_block(entries))))
    assert not meta.has_location and not meta.gps_damaged


def test_gps_pointer_outside_the_block_is_damaged_location():
    meta = parse_metadata(jpeg_with(exif_app1(exif_block(None, gps_pointer=60000))))
    assert meta.gps_damaged and not meta.has_location


def test_empty_gps_ifd_is_no_location():
    meta = parse_metadata(jpeg_with(exif_app1(exif_block({}))))
    assert not meta.has_location and not meta.gps_damaged


def test_png_imagemagick_raw_profile():
    block = b"Exif\0\0" + exif_block(gps_entries(lat_ref="S"))
    text = b"\nexif\n" + str(len(block)).encode() + b"\n" + block.hex().encode() + b"\n"
    info = PngImagePlugin.PngInfo()
    info.add_text("Raw profile type exif", text.decode(), zip=True)
    buf = io.BytesIO()
    picture().save(buf, "PNG", pnginfo=info)
    meta = parse_metadata(buf.getvalue())
    assert meta.lat == pytest.approx(-LAT_DEC)


def test_orientation_and_capture_time_from_exif_ifd():
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = 6
    exif.get_ifd(ExifTags.IFD.Exif)[0x9003] = "2023:01:02 03:04:05"
    meta = parse_metadata(image_bytes("JPEG", exif.tobytes()))
    assert meta.orientation == 6 and meta.time == "2023-01-02 03:04:05"


# -- damaged and odd files --------------------------------------------------------------
def test_damaged_files_are_listed_and_the_scan_goes_on(tmp_path):
    good = image_bytes("JPEG", pillow_exif(True))
    (tmp_path / "1-good.jpg").write_bytes(good)
    (tmp_path / "2-cut-in-exif.jpg").write_bytes(good[:60])
    (tmp_path / "3-empty.jpg").write_bytes(b"")
    (tmp_path / "4-random.jpg").write_bytes(os.urandom(500))
    png = image_bytes("PNG")
    (tmp_path / "5-cut.png").write_bytes(png[: len(png) - 30])
    webp = image_bytes("WEBP")
    (tmp_path / "6-cut.webp").write_bytes(webp[: len(webp) // 2])
    bad_ifd = jpeg_with(exif_app1(b"II*\0" + struct.pack("<I", 99999)))
    (tmp_path / "7-bad-ifd.jpg").write_bytes(bad_ifd)
    (tmp_path / "8-soi-only.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "9-good.png").write_bytes(image_bytes("PNG", pillow_exif(True, "S", "W")))
    (tmp_path / "notes.txt").write_text("not a photo")
    (tmp_path / "movie.mp4").write_bytes(b"\0\0\0\x18ftypisom" + b"\0" * 20)
    result = scan([tmp_path])
    assert sorted(Path(p.path).name for p in result.with_location) == ["1-good.jpg", "9-good.png"]
    assert {Path(u.path).name: u.reason for u in result.unreadable} == {
        "2-cut-in-exif.jpg": "photo.unreadable.damaged",
        "3-empty.jpg": "photo.unreadable.empty",
        "4-random.jpg": "photo.unreadable.not_photo",
        "5-cut.png": "photo.unreadable.damaged",
        "6-cut.webp": "photo.unreadable.damaged",
        "7-bad-ifd.jpg": "photo.unreadable.damaged",
        "8-soi-only.jpg": "photo.unreadable.damaged",
    }
    assert result.other_files == 2 and result.files_scanned == 9


def test_a_photo_without_extension_is_found_by_its_content(tmp_path):
    (tmp_path / "IMG0001").write_bytes(image_bytes("JPEG", pillow_exif(True)))
    assert [Path(p.path).name for p in scan([tmp_path]).with_location] == ["IMG0001"]


def test_truncated_heif_is_damaged(tmp_path):
    if "HEIF" not in FORMATS:
        pytest.skip("pillow-heif is not installed")
    data = image_bytes("HEIF", pillow_exif(True))
    for cut in (40, len(data) // 3):
        with pytest.raises(PhotoError):
            parse_metadata(data[:cut])


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file_permissions(tmp_path):
    f = tmp_path / "locked.jpg"
    f.write_bytes(image_bytes("JPEG"))
    f.chmod(0)
    try:
        assert [u.reason for u in scan([f]).unreadable] == ["photo.unreadable.io"]
    finally:
        f.chmod(0o600)


def test_links_to_folders_are_not_followed(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "p.jpg").write_bytes(image_bytes("JPEG", pillow_exif(True)))
    try:
        (tmp_path / "a" / "loop").symlink_to(tmp_path / "a", target_is_directory=True)
    except OSError:
        pytest.skip("no symlinks here")
    assert len(scan([tmp_path]).with_location) == 1


# -- robustness: arbitrary and mutated bytes --------------------------------------------
MAGICS = [b"", b"\xff\xd8\xff\xe1", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*",
          b"RIFF\x00\x01\x00\x00WEBP", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
          b"\xff\xd8\xff\xe1\x01\x00Exif\x00\x00II*\x00\x08\x00\x00\x00"]


def _parse_only_our_error(data: bytes) -> None:
    try:
        meta = parse_metadata(data)
    except PhotoError:
        return
    assert meta.lat is None or isinstance(meta.lat, float)


@settings(max_examples=600, deadline=3000, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MAGICS), st.binary(max_size=4000))
def test_parser_raises_only_photo_errors_on_arbitrary_bytes(magic, tail):
    _parse_only_our_error(magic + tail)


@pytest.fixture(scope="module")
def seeds() -> list[bytes]:
    out = [image_bytes(f, pillow_exif(True, orientation=6), XMP if f != "TIFF" else None)
           for f in FORMATS]
    out.append(jpeg_with(exif_app1(exif_block(gps_entries(">"), ">"))))
    return out


@settings(max_examples=600, deadline=3000,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.data())
def test_parser_raises_only_photo_errors_on_mutated_photos(seeds, data):
    seed = bytearray(data.draw(st.sampled_from(seeds)))
    limit = min(len(seed), 2000)  # the metadata lives at the start
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, limit - 1))
        seed[pos] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(seed)))
    _parse_only_our_error(bytes(seed[:cut]))


# -- clean copies -----------------------------------------------------------------------
def _pixels(data: bytes) -> tuple:
    with Image.open(io.BytesIO(data)) as im:
        return im.size, im.convert("RGB").tobytes()


@pytest.mark.parametrize("fmt", FORMATS)
def test_strip_removes_everything_but_orientation(tmp_path, fmt):
    src = tmp_path / "in" / f"photo{EXT[fmt]}"
    src.parent.mkdir()
    src.write_bytes(image_bytes(fmt, pillow_exif(True, orientation=6),
                                XMP if fmt != "TIFF" else None))
    before = sha256(src)
    out = tmp_path / "out"
    r = run_cli(["--lang", "en", "scan", "photos", str(src.parent), "--strip", str(out),
                 "--json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    (copy_entry,) = report["clean_copies"]
    copy = Path(copy_entry["copy"])
    assert copy.parent == out and copy.name.startswith("photo-clean")
    data = copy.read_bytes()
    meta = parse_metadata(data)
    assert not meta.has_location and not meta.gps_damaged and not meta.has_xmp
    assert meta.make is None and meta.model is None and meta.time is None
    assert b"PhoneMaker" not in data and b"GPSLatitude" not in data
    assert sha256(src) == before  # the original is untouched
    if fmt in ("JPEG", "PNG", "WEBP"):  # rewritten without decoding: pixels identical
        assert meta.exif_tags == {ORIENTATION_TAG} and meta.orientation == 6
        assert _pixels(data) == _pixels(src.read_bytes())
    else:  # decoded and saved again with the orientation applied
        assert meta.orientation in (None, 1)
        with Image.open(io.BytesIO(data)) as im:
            assert im.size == (24, 32)
    if copy.stat().st_mode & 0o077 and os.name == "posix":
        pytest.fail("clean copy is readable by others")


@pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed")
def test_exiftool_finds_no_metadata_in_clean_copies(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for fmt in FORMATS:
        (src / f"p{EXT[fmt]}").write_bytes(image_bytes(fmt, pillow_exif(True, orientation=3),
                                                       XMP if fmt != "TIFF" else None))
    out = tmp_path / "out"
    assert run_cli(["scan", "photos", str(src), "--strip", str(out)]).exit_code == 0
    copies = sorted(out.iterdir())
    assert len(copies) == len(FORMATS)
    found = subprocess.run(
        [EXIFTOOL, "-q", "-q", "-n", "-p", "$filename", "-if",
         "$GPSLatitude or $GPSLongitude or $XMP:all or $Make or $Model or $DateTimeOriginal",
         str(out)], capture_output=True, text=True, timeout=120)
    assert found.stdout.strip() == ""


@pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO file")
def test_jpeg_strip_drops_comments_trailers_and_other_segments():
    secret = b"Shelter, 3rd khoroo"
    trailer = image_bytes("JPEG", pillow_exif(True))  # e.g. a second picture (MPF, Samsung)
    data = jpeg_with(exif_app1(exif_block(gps_entries())), app1(b"\0" + secret, 0xFE),
                     app1(b"Photoshop 3.0\0" + secret, 0xED), app1(b"MPF\0" + secret, 0xE2),
                     app1(b"JFXX\0\x10" + secret, 0xE0),
                     trailer=trailer)
    clean = strip_jpeg(data, orientation=8)
    assert secret not in clean and b"PhoneMaker" not in clean and b"ByteMaker" not in clean
    assert clean.endswith(b"\xff\xd9") and len(clean) < len(data) - len(trailer)
    meta = verify_clean(clean)
    assert meta.orientation == 8
    assert _pixels(clean) == _pixels(data)


def test_png_strip_drops_text_time_and_private_chunks():
    buf = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Shelter, 3rd khoroo")
    info.add_itxt("Description", "хаяг: 3-р хороо")
    picture().save(buf, "PNG", pnginfo=info, exif=pillow_exif(True))
    data = buf.getvalue()
    chunk = b"prVt" + b"Shelter"
    data = data[:33] + struct.pack(">I", 7) + chunk + struct.pack(
        ">I", zlib.crc32(chunk) & 0xFFFFFFFF) + data[33:]
    clean = photos.strip_png(data)
    assert b"Shelter" not in clean and "хаяг".encode() not in clean and b"eXIf" not in clean
    assert _pixels(clean) == _pixels(data)


def test_verify_clean_rejects_a_copy_with_location():
    with pytest.raises(photos.StripError):
        verify_clean(image_bytes("JPEG", pillow_exif(True)))
    with pytest.raises(photos.StripError):
        verify_clean(image_bytes("JPEG", xmp=XMP))
    with pytest.raises(photos.StripError):
        verify_clean(image_bytes("JPEG", pillow_exif(gps=False)))  # camera details left


def test_copies_never_overwrite_anything(tmp_path):
    src = tmp_path / "photo.jpg"
    src.write_bytes(image_bytes("JPEG", pillow_exif(True)))
    existing = tmp_path / "photo-clean.jpg"
    existing.write_bytes(b"keep me")
    before = sha256(src)
    r = run_cli(["--lang", "en", "scan", "photos", str(tmp_path), "--strip", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert existing.read_bytes() == b"keep me" and sha256(src) == before
    assert (tmp_path / "photo-clean-1.jpg").exists()
    assert "1 clean copies were written" in r.stdout  # the clean-copy folder is not rescanned


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples not present")
def test_strip_real_samples_keeps_originals(tmp_path):
    originals = {p: sha256(p) for p in SAMPLES.rglob("*") if p.is_file()}
    r = run_cli(["scan", "photos", str(SAMPLES / "jpg" / "gps"), str(SAMPLES / "heic"),
                 "--strip", str(tmp_path), "--json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["copy_failed"] == [] and len(report["clean_copies"]) == 14
    for entry in report["clean_copies"]:
        assert not verify_clean(Path(entry["copy"]).read_bytes()).has_location
    assert {p: sha256(p) for p in originals} == originals


# -- the command ------------------------------------------------------------------------
def test_command_output_hides_coordinates_and_escapes_names(tmp_path):
    name = "[red]x\x1b[31m.jpg"
    try:
        (tmp_path / name).write_bytes(image_bytes("JPEG", pillow_exif(True, "S", "W")))
    except OSError:
        pytest.skip("file system refuses such names")
    (tmp_path / "plain.png").write_bytes(image_bytes("PNG"))
    r = run_cli(["--lang", "en", "--plain", "scan", "photos", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "Checked 2 photos." in r.stdout and "1 photos show where" in r.stdout
    assert "\x1b" not in r.output and "[31m" not in r.output
    assert "[red]x.jpg" in re.sub(r"[\s|]", "", r.stdout)  # cells wrap long paths
    assert "-43.46" not in r.stdout and "--show-location" in r.stdout
    r = run_cli(["--lang", "en", "--plain", "scan", "photos", str(tmp_path), "--show-location"])
    assert "-43.467448, -11.885127" in r.stdout


def test_command_json(tmp_path):
    (tmp_path / "a.webp").write_bytes(image_bytes("WEBP", pillow_exif(True)))
    (tmp_path / "b.jpg").write_bytes(image_bytes("JPEG"))
    (tmp_path / "c.jpg").write_bytes(b"\xff\xd8\xff\xe1\x00\x50Exif\0\0II")
    r = run_cli(["scan", "photos", str(tmp_path), "--json"])
    data = json.loads(r.stdout)
    assert data["schema"] == "safetycheck.photos/1" and data["files_scanned"] == 3
    (located,) = data["with_location"]
    assert located["file"].endswith("a.webp") and located["model"] == "PhoneMaker Model 7"
    assert located["lat"] == pytest.approx(LAT_DEC) and located["time"] == "2024-05-06 07:08:09"
    assert [u["reason"] for u in data["unreadable"]] == ["photo.unreadable.damaged"]
    assert data["without_location"][0].endswith("b.jpg")


def test_command_mongolian_and_missing_path(tmp_path):
    (tmp_path / "a.jpg").write_bytes(image_bytes("JPEG"))
    r = run_cli(["scan", "photos", str(tmp_path)])
    assert "1 зураг шалгалаа." in r.stdout and "байршил олдсонгүй" in r.stdout
    r = run_cli(["--lang", "en", "scan", "photos", str(tmp_path / "nope")])
    assert r.exit_code == EXIT_USAGE and "was not found" in r.stderr
    (tmp_path / "file").write_text("x")
    r = run_cli(["--lang", "en", "scan", "photos", str(tmp_path), "--strip",
                 str(tmp_path / "file")])
    assert r.exit_code == EXIT_USAGE and "not a folder" in r.stderr


def test_command_records_probe_run_and_finding(home, tmp_path):
    from safetycheck.model import Session
    from safetycheck.storage.vault import open_vault

    session = Session(label="t")
    open_vault().save(session)
    pics = tmp_path / "pics"
    pics.mkdir()
    (pics / "a.jpg").write_bytes(image_bytes("JPEG", pillow_exif(True)))
    (pics / "b.png").write_bytes(image_bytes("PNG"))
    (pics / "c.jpg").write_bytes(b"")
    r = run_cli(["--lang", "en", "scan", "photos", str(pics), "--session", session.id])
    assert r.exit_code == 0, r.output
    loaded = open_vault().load(session.id)
    (run,) = loaded.probes
    assert run.probe == "photos" and run.status == "complete"
    assert run.data["files_scanned"] == 3
    (loc,) = run.data["with_location"]
    assert set(loc) >= {"file", "lat", "lon", "time", "model"}
    assert loc["lat"] == pytest.approx(LAT_DEC)
    assert run.data["unreadable"] == [{"file": str(pics / "c.jpg"),
                                       "reason": "photo.unreadable.empty"}]
    (finding,) = loaded.findings
    assert (finding.check_id, finding.area.value, finding.status.value) == (
        "photos_no_location", "location", "at_risk")
    assert finding.detail["with_location"] == 1 and "lat" not in json.dumps(finding.detail)


# -- the oracle: exiftool on real photos --------------------------------------------------
def _exiftool_gps(folder: Path) -> dict[str, tuple[float, float]]:
    out = subprocess.run(
        [EXIFTOOL, "-r", "-n", "-p", "$directory/$filename $GPSLatitude $GPSLongitude",
         "-if", "$GPSLatitude", str(folder)], capture_output=True, text=True, timeout=300)
    result = {}
    for line in out.stdout.splitlines():
        name, lat, lon = line.rsplit(" ", 2)
        result[os.path.normpath(name)] = (float(lat), float(lon))
    return result


def _ours(folder: Path) -> dict[str, tuple[float, float]]:
    return {os.path.normpath(p.path): (p.meta.lat, p.meta.lon)
            for p in scan([folder]).with_location}


@pytest.mark.skipif(not SAMPLES.is_dir() or EXIFTOOL is None,
                    reason="needs ../shared/data/photos/exif-samples and exiftool")
def test_matches_exiftool_on_real_samples():
    expected = _exiftool_gps(SAMPLES)
    ours = _ours(SAMPLES)
    assert len(expected) >= 18
    assert set(ours) == set(expected)
    for name, (lat, lon) in expected.items():
        assert abs(ours[name][0] - lat) <= 1e-6 and abs(ours[name][1] - lon) <= 1e-6, name


@pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed")
def test_matches_exiftool_on_generated_fixtures(tmp_path):
    for fmt in FORMATS:
        for refs in (("N", "E"), ("S", "W")):
            (tmp_path / f"{fmt}-{refs[0]}{EXT[fmt]}").write_bytes(
                image_bytes(fmt, pillow_exif(True, *refs)))
        (tmp_path / f"{fmt}-none{EXT[fmt]}").write_bytes(image_bytes(fmt, pillow_exif(False)))
    (tmp_path / "xmp.jpg").write_bytes(image_bytes("JPEG", xmp=XMP))
    (tmp_path / "be.jpg").write_bytes(jpeg_with(exif_app1(exif_block(gps_entries(">"), ">"))))
    expected = _exiftool_gps(tmp_path)
    ours = _ours(tmp_path)
    assert set(ours) == set(expected) and len(ours) == 2 * len(FORMATS) + 2
    for name, (lat, lon) in expected.items():
        assert abs(ours[name][0] - lat) <= 1e-6 and abs(ours[name][1] - lon) <= 1e-6, name


def test_read_metadata_reads_beyond_the_head(tmp_path):
    # A JPEG whose EXIF segment starts after a large first segment: read with a seek.
    big = app1(b"ICC_PROFILE\0" + b"\0" * 65000, 0xE2)
    data = jpeg_with(big, big, big, exif_app1(exif_block(gps_entries())))
    f = tmp_path / "big.jpg"
    f.write_bytes(data)
    assert photos.HEAD_BYTES < 3 * 65000
    meta = read_metadata(f)
    assert meta.lat == pytest.approx(LAT_DEC)


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="needs a pseudo-terminal")
def test_progress_bar_in_a_terminal(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    import sys

    body = image_bytes("JPEG", pillow_exif(True))
    for i in range(250):
        (tmp_path / f"p{i:03d}.jpg").write_bytes(body)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFETYCHECK_")}
    env.update({"COLUMNS": "100", "SAFETYCHECK_HOME": str(tmp_path / "home")})
    exe = str(Path(sys.executable).with_name("safetycheck"))
    child = pexpect.spawn(exe, ["--lang", "en", "scan", "photos", str(tmp_path)], env=env,
                          encoding="utf-8", timeout=60)
    child.expect("250 photos show where they were taken")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
