"""End to end: the HTML report opened in headless Chromium, printed to an A4 PDF.

Needs ``/usr/bin/chromium`` (``apt-get install chromium``; the CI script installs it) and
``pdftotext``/``pdfinfo`` (poppler-utils); skipped with the reason when they are absent.
The browser runs offline-minded: no network services, a throw-away profile.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import load_report_fixture

from safetycheck.report import render
from safetycheck.report.model import build_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None,
                       reason="chromium not installed (apt-get install -y chromium)"),
    pytest.mark.skipif(PDFTOTEXT is None or PDFINFO is None,
                       reason="poppler-utils (pdftotext, pdfinfo) not installed"),
]




fx = load_report_fixture()


def chromium(tmp: Path, *args: str) -> None:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp / 'profile'}"]
    proc = subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True,
                          timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("browser")
    report = build_report(fx.session(), fx.catalog(), "mn", generated_at="2026-11-21T08:00:00Z",
                          version="0.0.0-test", sources=fx.sources())
    page = tmp / "report.html"
    page.write_text(render(report, "html"), encoding="utf-8")
    url = page.as_uri()
    chromium(tmp, "--window-size=1000,1400", f"--screenshot={tmp / 'shot.png'}", url)
    chromium(tmp, "--no-pdf-header-footer", f"--print-to-pdf={tmp / 'report.pdf'}", url)
    pdf = tmp / "report.pdf"
    info = subprocess.run([PDFINFO, str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    texts = [subprocess.run([PDFTOTEXT, "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
                            capture_output=True, text=True, check=True).stdout
             for n in range(1, pages + 1)]
    return {"tmp": tmp, "info": info, "pages": pages, "texts": texts}


def test_pdf_is_a4_with_a_cover_page_and_the_sections(printed):
    texts: list[str] = printed["texts"]  # type: ignore[assignment]
    assert "A4" in printed["info"]  # type: ignore[operator]
    assert 3 <= printed["pages"] <= 15  # type: ignore[operator]
    cover = texts[0]
    # The cover stands alone: title, the sensitive-document notice, the session facts.
    assert "Аюулгүй байдлын шалгалтын тайлан" in cover
    assert "НУУЦ БАРИМТ БИЧИГ" in cover
    assert "Дархан-Уул" in cover and "Case DU-17" in cover
    assert "Санаа зовж буй зүйл" not in cover
    assert texts[1].lstrip().startswith("1. Эхний асуултууд")
    # "Unresolved issues and next steps" starts on a new page, to hand over on its own.
    starts = [t.lstrip().splitlines()[0] for t in texts if t.strip()]
    assert any(s.startswith("7. Шийдэгдээгүй асуудал") for s in starts), starts
    everything = "\n".join(texts)
    for heading in ("2. Илэрсэн асуудлууд", "3. Утасны шалгалт", "8. Тусламж авах газар",
                    "9. Энэ тайланд юу харагдахгүй вэ", "10. Нэр томьёоны тайлбар"):
        assert heading in everything
    assert "Асуудал илрээгүй нь аюулгүй гэсэн баталгаа биш" in everything
    assert "49.486389" not in everything


def test_screenshot_shows_a_rendered_page(printed):
    from PIL import Image

    shot = printed["tmp"] / "shot.png"  # type: ignore[operator]
    with Image.open(shot) as image:
        assert image.size == (1000, 1400)
        colors = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colors is not None and len(colors) > 50  # text and the red notice, not a blank page
    # The notice's dark red border is on the page.
    assert any(r > 120 and g < 30 and b < 30 for _count, (r, g, b) in colors)
