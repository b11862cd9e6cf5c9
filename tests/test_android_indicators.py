"""Echap indicators: validation of every field shape, matching, the cache, pinned updates from a
local HTTP server (never the internet), imports from a folder, and the CLI."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent / "data" / "android"))
import testlib  # noqa: E402

from safetycheck.cli.root import run  # noqa: E402
from safetycheck.errors import EXIT_NETWORK, EXIT_USAGE  # noqa: E402
from safetycheck.probes.android import indicators as ind  # noqa: E402

SHA = "a04c5c1958bff93fec3b1b56edbb412b209f2a38"
SHA2 = "b" * 40
IOC = """\
- name: SpyOne
  type: stalkerware
  names: [Spy One, S1]
  packages: [com.spy.one, Com.Spy.Two]
  certificates: ["0e:cd:5f:d8:06:82:77:6d:80:47:15:ab:5b:85:04:da:f5:9a:4b:54", NOTAHEX]
  websites: [spyone.example]
  distribution: [dl.spyone.example]
  c2:
    ip: [192.0.2.1]
    ips: [192.0.2.2]
    domains: [c2.spyone.example]
- name: OrgOnly
  type: stalkerware
  certificate_organizations: [Shady Labs]
  certificate_cname_re: ["^kid.*shield$"]
- name: SiteOnly
  type: stalkerware
  websites: [only.example]
- name: OnePackageAsString
  type: stalkerware
  packages: com.single.pkg
"""
WATCH = """\
- name: Locator
  type: watchware
  packages: [com.family.locator]
  ios_bundles: [com.family.locator.ios]
  certificates: [19C0868F028757F49FD8F7BDF39FF70C771D622B]
"""


def branch_reply(sha=SHA):
    return {"name": "master", "commit": {"sha": sha, "commit": {
        "committer": {"date": "2026-06-21T10:00:00Z"}}}}


def serve(httpserver, sha=SHA, ioc=IOC, watch=WATCH, status=200):
    httpserver.expect_request(
        "/repos/AssoEchap/stalkerware-indicators/branches/master").respond_with_json(
        branch_reply(sha))
    httpserver.expect_request(f"/AssoEchap/stalkerware-indicators/{sha}/ioc.yaml"
                              ).respond_with_data(ioc, status=status)
    httpserver.expect_request(f"/AssoEchap/stalkerware-indicators/{sha}/watchware.yaml"
                              ).respond_with_data(watch)


@pytest.fixture
def home(tmp_path, monkeypatch, httpserver):
    h = tmp_path / "home"
    monkeypatch.setenv("SAFETYCHECK_HOME", str(h))
    monkeypatch.setenv(ind.ENV_API_URL, httpserver.url_for("/"))
    monkeypatch.setenv(ind.ENV_RAW_URL, httpserver.url_for("/"))
    return h


# -- shapes and matching ------------------------------------------------------------------
def test_every_field_shape_is_read():
    apps = {a.name: a for a in ind.parse_entries(yaml.safe_load(IOC), "ioc.yaml")}
    one = apps["SpyOne"]
    assert one.packages == {"com.spy.one", "com.spy.two"}
    assert one.certificates == {"0ECD5FD80682776D804715AB5B8504DAF59A4B54"}  # bad one skipped
    assert one.c2_ips == ("192.0.2.2", "192.0.2.1") and one.c2_domains == ("c2.spyone.example",)
    assert one.distribution == ("dl.spyone.example",) and one.names == ("Spy One", "S1")
    assert apps["OnePackageAsString"].packages == {"com.single.pkg"}
    assert apps["SiteOnly"].packages == frozenset()
    watch = ind.parse_entries(yaml.safe_load(WATCH), "watchware.yaml")[0]
    assert watch.kind == "watchware" and watch.ios_bundles == ("com.family.locator.ios",)


def test_matching_by_package_certificate_organisation_and_name():
    apps = ind.parse_entries(yaml.safe_load(IOC), "ioc.yaml") + ind.parse_entries(
        yaml.safe_load(WATCH), "watchware.yaml")
    s = ind.IndicatorSet(apps=apps, source="github", date="2026-06-21")
    assert s.match("com.spy.TWO").how == "package"  # case-insensitive, as MVT
    m = s.match("com.renamed", ["0ECD5FD80682776D804715AB5B8504DAF59A4B54"])
    assert m.app.name == "SpyOne" and m.how == "certificate"
    m = s.match("x.y", ["19:c0:86:8f:02:87:57:f4:9f:d8:f7:bd:f3:9f:f7:0c:77:1d:62:2b"])
    assert m.app.kind == "watchware"
    assert s.match("a.b", cert_subjects=["C=XX, O=Shady Labs, CN=x"]).how == \
        "certificate_organization"
    assert s.match("a.b", cert_subjects=["C=XX, O=Other, CN=kidsshield"]).how == \
        "certificate_name"
    assert s.match("com.spy.one.extra") is None and s.match("org.telegram.messenger") is None


@pytest.mark.parametrize("data,detail", [
    ({"name": "x"}, "not a non-empty list"),
    ([], "not a non-empty list"),
    (["text"], "entry 1 is not a mapping"),
    ([{"type": "stalkerware", "packages": ["a.b"]}], "entry 1 has no name"),
    ([{"name": "X", "type": "spyware", "packages": ["a.b"]}], "unknown type"),
    ([{"name": "X", "type": "stalkerware", "packages": {"a": 1}}], "packages is not a list"),
    ([{"name": "X", "type": "stalkerware", "c2": ["x"]}], "c2 is not a mapping"),
    ([{"name": "X", "type": "stalkerware", "websites": ["a.example"]}], "no package ids"),
])
def test_invalid_lists_are_rejected_with_a_reason(data, detail):
    with pytest.raises(ind.IndicatorError) as err:
        ind.parse_entries(data, "ioc.yaml")
    assert detail in err.value.params["detail"]
    with pytest.raises(ind.IndicatorError):
        ind.parse_file(b"- name: [unclosed", "ioc.yaml")


@pytest.mark.skipif(not testlib.SHARED_INDICATORS.exists(), reason="shared data not present")
def test_real_echap_files_validate_and_match():
    apps = []
    for name in ind.FILES:
        apps += ind.parse_file((testlib.SHARED_INDICATORS / name).read_bytes(), name)
    s = ind.IndicatorSet(apps=tuple(apps), source="github", date="2026-06-21")
    counts = s.counts()
    assert (counts["stalkerware"], counts["watchware"]) == (147, 27)
    assert counts["packages"] >= 640 and counts["certificates"] >= 480
    assert s.match("com.wifi0").app.name == "SpyLive360"
    assert s.match("ahmyth.mine.king.ahmyth").app.c2_ips == ("85.10.199.40",)  # "ip" key
    assert s.match("com.life360.android.safetymapd").app.kind == "watchware"
    builtin = ind.builtin_set()
    for app in builtin.apps:  # every built-in fact is in the real lists
        for pkg in app.packages:
            assert s.match(pkg) is not None, pkg


def test_builtin_list_is_sourced_and_used_before_any_download(tmp_path):
    raw = yaml.safe_load((Path(ind.__file__).parent / "data" / "builtin_indicators.yaml")
                         .read_text(encoding="utf-8"))
    assert all(e.get("source") for e in raw["stalkerware"] + raw["watchware"])
    s = ind.load_indicators(tmp_path / "empty")
    assert s.builtin and s.problem == "" and s.match("com.systemservice").app.name == \
        "TheTruthSpy"
    assert s.label().startswith("builtin@")


def test_age_warning_after_90_days():
    s = ind.builtin_set()
    d = date.fromisoformat(s.date)
    assert s.info(today=d, max_age=90)["stale"] is False
    old = s.info(today=date.fromordinal(d.toordinal() + 91), max_age=90)
    assert old["stale"] is True and old["age_days"] == 91


# -- update from GitHub (a local server) ----------------------------------------------------
def test_update_pins_to_the_current_commit(home, httpserver):
    serve(httpserver)
    result = ind.update_from_github(home=home)
    assert result.changed
    s = ind.load_indicators(home)
    assert (s.source, s.commit, s.commit_date) == ("github", SHA, "2026-06-21T10:00:00Z")
    assert s.match("com.family.locator").app.kind == "watchware"
    paths = [req.path for req, _ in httpserver.log]
    assert f"/AssoEchap/stalkerware-indicators/{SHA}/ioc.yaml" in paths
    import hashlib

    assert s.sha256["ioc.yaml"] == hashlib.sha256(IOC.encode()).hexdigest()
    meta_files = list((home / "indicators").glob("set-*/meta.json"))
    assert len(meta_files) == 1 and json.loads(meta_files[0].read_text())["commit"] == SHA
    # same commit again: nothing changes
    assert ind.update_from_github(home=home).changed is False


def test_failed_or_invalid_download_keeps_the_good_set(home, httpserver):
    serve(httpserver)
    ind.update_from_github(home=home)
    httpserver.clear()
    serve(httpserver, sha=SHA2, status=500)
    with pytest.raises(ind.IndicatorDownloadError):
        ind.update_from_github(home=home)
    assert ind.load_indicators(home).commit == SHA
    httpserver.clear()
    serve(httpserver, sha=SHA2, ioc="- name: X\n  type: spyware\n")
    with pytest.raises(ind.IndicatorError):
        ind.update_from_github(home=home)
    httpserver.clear()
    serve(httpserver, sha=SHA2, ioc="not: [valid")
    with pytest.raises(ind.IndicatorError):
        ind.update_from_github(home=home)
    assert ind.load_indicators(home).commit == SHA
    assert len(list((home / "indicators").glob("set-*"))) == 1


def test_unexpected_api_reply(home, httpserver):
    httpserver.expect_request("/repos/AssoEchap/stalkerware-indicators/branches/master"
                              ).respond_with_json({"message": "API rate limit exceeded"})
    with pytest.raises(ind.IndicatorDownloadError):
        ind.update_from_github(home=home)
    httpserver.clear()
    httpserver.expect_request("/repos/AssoEchap/stalkerware-indicators/branches/master"
                              ).respond_with_json(branch_reply("../../etc"))
    with pytest.raises(ind.IndicatorDownloadError):
        ind.update_from_github(home=home)


def test_unreachable_server_is_a_network_error(tmp_path):
    with pytest.raises(ind.IndicatorDownloadError) as err:
        ind.update_from_github(api_url="http://127.0.0.1:9", raw_url="http://127.0.0.1:9",
                               timeout=2, home=tmp_path)
    assert err.value.exit_code == EXIT_NETWORK


def test_damaged_cache_falls_back_to_builtin_with_a_warning(home, httpserver):
    serve(httpserver)
    ind.update_from_github(home=home)
    ioc = next((home / "indicators").glob("set-*/ioc.yaml"))
    ioc.write_text(IOC.replace("com.spy.one", "com.spy.none"))
    s = ind.load_indicators(home)
    assert s.builtin and s.problem == "indicators.cache_damaged"


# -- import from a folder ---------------------------------------------------------------------
def test_import_from_folder_dates_the_set_by_the_files(tmp_path):
    src = tmp_path / "usb"
    src.mkdir()
    (src / "ioc.yaml").write_text(IOC)
    (src / "watchware.yaml").write_text(WATCH)
    old = time.time() - 100 * 86400
    os.utime(src / "ioc.yaml", (old, old))
    result = ind.import_from_folder(src, home=tmp_path / "h")
    info = result.indicators.info(max_age=90)
    assert info["source"] == "import" and info["stale"] and info["age_days"] >= 99
    with pytest.raises(Exception) as err:
        ind.import_from_folder(tmp_path / "nothing", home=tmp_path / "h")
    assert err.value.exit_code == EXIT_USAGE


# -- the CLI ------------------------------------------------------------------------------------
def test_cli_update_info_and_offline(home, httpserver, capsys):
    serve(httpserver)
    assert run(["--lang", "en", "indicators", "update"]) == 0
    out = capsys.readouterr().out
    assert SHA[:12] in out and "Echap, stalkerware-indicators (CC BY 4.0)" in out
    assert run(["indicators", "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["commit"] == SHA and info["builtin"] is False and info["counts"]["watchware"] == 1
    assert run(["--offline", "--lang", "en", "indicators", "update"]) == EXIT_NETWORK
    assert "Offline" in capsys.readouterr().err


def test_cli_update_failure_is_translated(home, httpserver, capsys):
    httpserver.expect_request("/repos/AssoEchap/stalkerware-indicators/branches/master"
                              ).respond_with_data("nope", status=403)
    assert run(["--lang", "mn", "indicators", "update"]) == EXIT_NETWORK
    err = capsys.readouterr().err
    assert "Өмнөх жагсаалт хэвээр байна" in err and "403" in err


def test_cli_update_from_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SAFETYCHECK_HOME", str(tmp_path / "h"))
    src = tmp_path / "usb"
    src.mkdir()
    (src / "ioc.yaml").write_text(IOC)
    (src / "watchware.yaml").write_text(WATCH)
    assert run(["--offline", "--lang", "en", "indicators", "update", "--from", str(src)]) == 0
    assert "imported" in capsys.readouterr().out
    (src / "watchware.yaml").unlink()
    assert run(["--lang", "en", "indicators", "update", "--from", str(src)]) == EXIT_USAGE
    assert "watchware.yaml" in capsys.readouterr().err
