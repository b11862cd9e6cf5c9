"""Property tests: the Android parsers never raise anything but the project's own error, on
any text, including 10,000-character lines (their patterns are bounded)."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safetycheck.probes.android import parse_packages as pp
from safetycheck.probes.android import parse_system as ps
from safetycheck.probes.android import script as sc
from safetycheck.probes.android.indicators import IndicatorError, parse_entries
from safetycheck.probes.android.interface import Acquisition, AndroidParseError
from safetycheck.probes.android.redact import redact
from safetycheck.probes.android.state import build_state

TEXT_PARSERS = [
    pp.parse_pm_list, pp.package_names, pp.pm_output_ok, pp.parse_dumpsys_package,
    pp.parse_launcher, pp.launcher_from_resolver, pp.parse_androidqf_packages,
    ps.parse_devices, ps.parse_getprop, ps.parse_settings, ps.parse_components,
    ps.parse_accessibility, ps.parse_dpm_owners, ps.parse_device_policy, ps.parse_appops,
    ps.parse_root_binaries, ps.parse_root_binaries_json, ps.parse_getenforce, ps.parse_date,
    ps.split_dumpsys, redact,
]

# Text shaped like the real outputs: their keywords, punctuation and indentation, so the
# generator reaches deep into the parsers rather than only their first check.
WORDS = ["package:", "installer=", "uid:", "Package [", "] (1a2b):", "Packages:", "User 0:",
         "requested permissions:", "runtime permissions:", "granted=true", "pkgFlags=[ SYSTEM ]",
         "firstInstallTime=2024-01-01 10:00:00", "Enabled services:{{", "}}", "enabled services: {",
         "0 : ", "com.x/.Y", "Uid u0a1:", "REQUEST_INSTALL_PACKAGES (allow):", ": mode=allow",
         "Enabled Device Admins", "admin=ComponentInfo{a.b/.C}", "User  0: admin=", ",DeviceOwner",
         "[ro.x]: [", "]", "DUMP OF SERVICE package:", "activities found", "priority=0",
         "Category: \"android.intent.category.LAUNCHER\"", "Action: \"android.intent.action.MAIN\"",
         "Activity Resolver Table:", "List of devices attached", "device", "=", ":", "/", "\n",
         "\r\n", "    ", "  ", "\t", "[", "{", "}", "@", "a@b.cc", "\x1b[31m", "\u202e"]
shaped = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=20)), max_size=60).map(
    "".join)
any_text = st.one_of(st.text(max_size=2000), shaped)
long_line = st.tuples(st.sampled_from(WORDS + [""]),
                      st.sampled_from(list(string.ascii_letters + "=:/.[]{} _0")),
                      st.sampled_from(WORDS + [""])).map(lambda t: t[0] + t[1] * 10_000 + t[2])


def _call_all(text: str) -> None:
    for parser in TEXT_PARSERS:
        try:
            parser(text)
        except AndroidParseError:
            pass


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_text)
def test_parsers_never_raise_on_any_text(text):
    _call_all(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(long_line)
def test_parsers_handle_10000_character_lines(text):
    assert len(text) >= 10_000
    _call_all(text)
    _call_all(text + "\n" + text)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(
    ["getprop", "pm_list", "pm_system", "pm_disabled", "packages", "launcher", "accessibility",
     "device_policy", "dpm_owners", "appops", "root_binaries", "root_binaries_json",
     "getenforce", "date", "settings_secure", "settings_global", "packages_json"]), any_text))
def test_state_builder_never_raises(sections):
    state = build_state(Acquisition(source="adb", sections=sections))
    assert set(state.unreadable) <= {"packages_json", "root_binaries_json"}


@settings(max_examples=150, deadline=None)
@given(any_text, st.text(alphabet="0123456789abcdef", min_size=16, max_size=16))
def test_splitter_never_raises_and_never_invents_sections(text, nonce):
    out = sc.split_output(text, nonce)
    assert not out.done or sc.marker(nonce) in text
    assert set(out.sections) <= set(out.exit_codes)


@settings(max_examples=150, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                    lambda inner: st.lists(inner, max_size=5)
                    | st.dictionaries(st.sampled_from(["name", "type", "packages", "c2", "ip",
                                                       "ips", "certificates", "names"]),
                                      inner, max_size=5), max_leaves=30))
def test_indicator_validation_only_raises_its_own_error(data):
    try:
        parse_entries(data, "ioc.yaml")
    except IndicatorError:
        pass
