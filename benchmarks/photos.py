"""Photo location scan speed: safetycheck against ``exiftool -fast2`` on the same folder.

Generates a folder of JPEGs (default 2,000; half with GPS, each with its own coordinates and
capture time, a camera make and model, and an EXIF sub-IFD like a phone writes), then times,
in the same run and on the same (cached) files:

* ``safetycheck scan photos DIR --json`` as a new process (start-up included), and the scan
  function in this process (the probe alone);
* ``exiftool -fast2 -n -GPSLatitude -GPSLongitude -r DIR``.

Each is run ``--repeat`` times and the best time is kept. Both must find the same number of
files with GPS, or the benchmark stops: a fast wrong answer is worth nothing.

    .venv/bin/python benchmarks/photos.py [--count 2000] [--size 640x480] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def make_bodies(size: tuple[int, int], variants: int = 8) -> list[bytes]:
    """A few encoded pictures (no metadata): every file reuses one, with its own EXIF."""
    from PIL import Image

    rng = random.Random(7)
    bodies = []
    for _ in range(variants):
        im = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
        for _ in range(40):  # some structure, so the picture compresses like a photo
            x, y = rng.randrange(size[0]), rng.randrange(size[1])
            box = (x, y, min(size[0], x + rng.randrange(20, 200)),
                   min(size[1], y + rng.randrange(20, 200)))
            im.paste(tuple(rng.randrange(256) for _ in range(3)), box)
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=85)
        bodies.append(buf.getvalue())
    return bodies


def exif_for(i: int, with_gps: bool, rng: random.Random) -> bytes:
    from PIL import ExifTags, Image

    exif = Image.Exif()
    exif[0x010F] = "BenchPhone"
    exif[0x0110] = "BenchPhone 12"
    exif[0x0112] = 1
    exif[0x0131] = "bench 1.0"
    exif[0x0132] = f"2025:{1 + i % 12:02d}:{1 + i % 28:02d} 12:{i % 60:02d}:{(i * 7) % 60:02d}"
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[0x9003] = exif[0x0132]
    sub[0x829A] = (1, 120)
    sub[0x8827] = 100
    if with_gps:
        lat, lon = rng.uniform(-89, 89), rng.uniform(-179, 179)
        exif[ExifTags.IFD.GPSInfo] = {
            1: "N" if lat >= 0 else "S", 2: _dms(abs(lat)),
            3: "E" if lon >= 0 else "W", 4: _dms(abs(lon)),
            29: "2025:01:01",
        }
    return exif.tobytes()


def _dms(value: float) -> tuple[float, float, float]:
    d = int(value)
    m = int((value - d) * 60)
    s = round(((value - d) * 60 - m) * 60, 4)
    return float(d), float(m), s


def generate(folder: Path, count: int, size: tuple[int, int]) -> int:
    """Write ``count`` JPEGs into ``folder`` (in sub-folders of 500); returns how many have GPS."""
    rng = random.Random(42)
    bodies = make_bodies(size)
    with_gps = 0
    for i in range(count):
        gps = i % 2 == 0
        with_gps += gps
        payload = exif_for(i, gps, rng)  # Pillow starts the block with the Exif header
        app1 = b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload
        body = bodies[i % len(bodies)]
        sub = folder / f"DCIM{i // 500:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"IMG_{i:05d}.jpg").write_bytes(body[:2] + app1 + body[2:])
    return with_gps


def best_of(repeat: int, fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--size", default="640x480")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    args = parser.parse_args()
    if args.count < 2000:
        print("note: the issue asks for at least 2,000 files", file=sys.stderr)
    width, height = (int(v) for v in args.size.lower().split("x"))
    exiftool = shutil.which("exiftool")
    safetycheck = shutil.which("safetycheck") or str(Path(sys.executable).with_name("safetycheck"))

    folder = Path(tempfile.mkdtemp(prefix="safetycheck-bench-photos-"))
    try:
        start = time.perf_counter()
        expected = generate(folder, args.count, (width, height))
        size_mb = sum(p.stat().st_size for p in folder.rglob("*.jpg")) / 1e6
        print(f"generated {args.count} JPEGs ({width}x{height}, {size_mb:.0f} MB, "
              f"{expected} with GPS) in {time.perf_counter() - start:.1f} s: {folder}")

        from safetycheck.probes.photos import scan

        t_probe, result = best_of(args.repeat, lambda: scan([folder]))
        found = len(result.with_location)  # type: ignore[attr-defined]

        def cli() -> int:
            out = subprocess.run([safetycheck, "scan", "photos", str(folder), "--json"],
                                 capture_output=True, text=True, check=True)
            return len(json.loads(out.stdout)["with_location"])

        t_cli, found_cli = best_of(args.repeat, cli)
        rows = [("safetycheck (probe, in process)", t_probe, found),
                ("safetycheck scan photos --json", t_cli, found_cli)]
        if exiftool:
            def run_exiftool() -> int:
                out = subprocess.run([exiftool, "-fast2", "-n", "-GPSLatitude", "-GPSLongitude",
                                      "-r", str(folder)], capture_output=True, text=True)
                return out.stdout.count("GPS Latitude")

            t_exif, found_exif = best_of(args.repeat, run_exiftool)
            rows.append(("exiftool -fast2 -n -GPSLatitude -GPSLongitude -r", t_exif, found_exif))
        else:
            print("exiftool not found: only safetycheck was timed", file=sys.stderr)
        print(f"\n{'tool':52} {'seconds':>8} {'files/s':>9} {'with GPS':>9}")
        for name, seconds, hits in rows:
            print(f"{name:52} {seconds:8.3f} {args.count / seconds:9.0f} {hits:9}")
        if any(hits != expected for _, _, hits in rows):
            print(f"MISMATCH: expected {expected} files with GPS", file=sys.stderr)
            return 1
        if exiftool:
            print(f"\nsafetycheck (whole command) is {t_exif / t_cli:.1f}x the speed of exiftool; "
                  f"the probe alone {t_exif / t_probe:.1f}x")
        return 0
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
