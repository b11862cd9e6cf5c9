"""A fixed session, catalog and directory for the report and evidence tests (no randomness)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from safetycheck.catalog import Catalog, Platform
from safetycheck.model import (
    Action,
    AnswerKey,
    AnswerRecord,
    Area,
    Check,
    CustodyEvent,
    Evidence,
    Finding,
    Kind,
    ProbeRun,
    Reference,
    Session,
    Severity,
    Status,
)
from safetycheck.report.model import Sources

T0 = "2026-11-20T09:00:00Z"
RAW_PACKAGES = b"package:/data/app/com.example.monitor/base.apk=com.example.monitor uid:10234\n"
RAW_DUMPSYS = "Packages:\n  Package [com.example.monitor]\n    firstInstallTime=2026-10-01\n"


def _check(cid: str, area: Area, severity: Severity, title: tuple[str, str],
           platforms: tuple[str, ...] = ("any",), probe: str | None = None) -> Check:
    text = {"mn": "асуулт", "en": "question"}
    return Check(
        id=cid, area=area, severity=severity, kind=Kind.PROBE if probe else Kind.QUESTION,
        platforms=platforms, title={"mn": title[0], "en": title[1]}, question=text,
        how_to_check=text, risk=text,
        answers={"yes": Status.AT_RISK, "no": Status.OK, "not_sure": Status.UNKNOWN},
        tfgbv_forms=("control",), priority_when=(),
        references=(Reference("https://example.org/", "2026-11-01"),), probe=probe,
    )


def catalog() -> Catalog:
    checks = [
        _check("password_not_known", Area.ACCOUNTS, Severity.CRITICAL,
               ("Энэ бүртгэлийн нууц үгийг тэр хүн мэдэхгүй",
                "The other person does not know the password of this account"),
               ("facebook", "google")),
        _check("two_step_on", Area.ACCOUNTS, Severity.HIGH,
               ("Хоёр алхамт баталгаажуулалт асаалттай", "Two-step verification is on"),
               ("facebook", "google")),
        _check("stalkerware_app_absent", Area.STALKERWARE, Severity.CRITICAL,
               ("Утсанд нууцаар хянадаг апп алга", "No stalkerware on the phone"),
               probe="android"),
        _check("google_maps_sharing_off", Area.LOCATION, Severity.HIGH,
               ("Google Maps-аар байршил хуваалцахгүй байна",
                "Google Maps location sharing is off")),
        _check("photos_no_location", Area.EXPOSURE, Severity.MEDIUM,
               ("Зургууд байршлын мэдээлэлгүй", "Photos carry no location"), probe="photos"),
        _check("password_not_breached", Area.EXPOSURE, Severity.HIGH,
               ("Нууц үг алдагдсан нууц үгийн санд байхгүй",
                "The password is not in breached passwords"), probe="passwords"),
        _check("email_not_in_breaches", Area.EXPOSURE, Severity.MEDIUM,
               ("Имэйл хаяг мэдэгдэж буй алдагдалд ороогүй",
                "The e-mail address is not in known breaches"), probe="breaches"),
    ]
    platforms = {
        "android": Platform("android", "device", {"mn": "Андройд утас", "en": "Android phone"}),
        "facebook": Platform("facebook", "app", {"mn": "Facebook ба Messenger",
                                                 "en": "Facebook and Messenger"}),
        "google": Platform("google", "app", {"mn": "Google бүртгэл (Gmail)",
                                             "en": "Google account (Gmail)"}),
    }
    return Catalog(checks={c.id: c for c in checks}, platforms=platforms)


def session() -> Session:
    s = Session(id="5e55a0c1d2e3", label="Case DU-17", created_at=T0,
                updated_at="2026-11-20T10:30:00Z", lang="mn", province="darkhan_uul",
                caseworker="Б. Оюун", state="finished", safety_ack=True, intake_done=True)
    s.intake = {"concerns": ["stalkerware", "location"], "devices": ["android"],
                "platforms": ["facebook", "google"], "lives_with": "no",
                "physical_access": "yes", "knows_passwords": "not_sure",
                "legal_case": "no", "province": "darkhan_uul"}
    s.answers = {
        "password_not_known@facebook": AnswerRecord(
            "password_not_known@facebook", "password_not_known", "facebook", AnswerKey.YES,
            Status.AT_RISK, "2026-11-20T09:10:00Z", Action.DEFERRED,
            "Тэр хүн утсыг нь шалгадаг.\nДараагийн уулзалтаар ярилцана."),
        "password_not_known@google": AnswerRecord(
            "password_not_known@google", "password_not_known", "google", AnswerKey.NOT_SURE,
            Status.UNKNOWN, "2026-11-20T09:11:00Z"),
        "two_step_on@facebook": AnswerRecord(
            "two_step_on@facebook", "two_step_on", "facebook", AnswerKey.YES, Status.AT_RISK,
            "2026-11-20T09:12:00Z", Action.DONE, "Turned on with an authenticator app."),
        "two_step_on@google": AnswerRecord(
            "two_step_on@google", "two_step_on", "google", AnswerKey.NO, Status.OK,
            "2026-11-20T09:13:00Z"),
        "google_maps_sharing_off": AnswerRecord(
            "google_maps_sharing_off", "google_maps_sharing_off", None, AnswerKey.YES,
            Status.AT_RISK, "2026-11-20T09:14:00Z", Action.NOT_WANTED),
    }
    s.evidence = [
        Evidence("a1b2c3d4e5f60718", "android/packages.txt",
                 "9d3c5a1f0e1b1c7a8f7e6d5c4b3a29180716253443526170819a8b7c6d5e4f30",
                 len(RAW_PACKAGES), "2026-11-20T09:20:00Z", "adb shell pm list packages -f -U",
                 "safetycheck 0.1.0", "echap a04c5c1"),
        Evidence("0f1e2d3c4b5a6978", "android/dumpsys_package.txt",
                 "1111111111111111111111111111111111111111111111111111111111111111",
                 len(RAW_DUMPSYS.encode()), "2026-11-20T09:20:05Z", "adb shell dumpsys package",
                 "safetycheck 0.1.0", "echap a04c5c1"),
    ]
    s.findings = [
        Finding("stalkerware_app_absent", Area.STALKERWARE, Severity.CRITICAL, Status.AT_RISK,
                "probe:android", detail={"package": "com.example.monitor",
                                         "label": "System Service", "installer": None,
                                         "reason": "stalkerware_package",
                                         "indicator_set": "echap a04c5c1"},
                evidence=["a1b2c3d4e5f60718", "0f1e2d3c4b5a6978"], at="2026-11-20T09:21:00Z",
                id="f00000000001"),
        Finding("photos_no_location", Area.EXPOSURE, Severity.MEDIUM, Status.AT_RISK,
                "probe:photos", detail={"file": "IMG_0001.jpg", "lat": 49.486389,
                                        "lon": 105.9225, "time": "2026-11-02T15:04:00Z",
                                        "model": "Galaxy A54"},
                at="2026-11-20T09:40:00Z", id="f00000000002"),
        Finding("password_not_breached", Area.EXPOSURE, Severity.HIGH, Status.AT_RISK,
                "probe:passwords", detail={"label": "Gmail", "count": 3},
                at="2026-11-20T09:50:00Z", id="f00000000003"),
        Finding("password_not_breached", Area.EXPOSURE, Severity.HIGH, Status.OK,
                "probe:passwords", detail={"label": "Khan Bank", "count": 0},
                at="2026-11-20T09:50:30Z", id="f00000000004"),
        Finding("email_not_in_breaches", Area.EXPOSURE, Severity.MEDIUM, Status.AT_RISK,
                "probe:breaches", detail={"account": "o***@example.com",
                                          "account_id": "3f2a9c", "breach": "Canva",
                                          "date": "2019-05-24",
                                          "data_classes": ["Email addresses", "Passwords"]},
                at="2026-11-20T10:00:00Z", id="f00000000005"),
    ]
    s.probes = [
        ProbeRun("android", "complete", "2026-11-20T09:21:00Z", data={
            "device": {"model": "SM-A546E", "manufacturer": "samsung", "android_version": "14",
                       "security_patch": "2026-05-01", "serial_hmac": "c0ffee00c0ffee00"},
            "indicator_set": {"source": "AssoEchap/stalkerware-indicators",
                              "commit": "a04c5c1f00dd", "date": "2026-06-21",
                              "age_days": 152, "builtin": False},
            "apps_flagged": [{"package": "com.example.monitor", "label": "System Service",
                              "installer": None, "first_install": "2026-10-01T08:00:00Z",
                              "reasons": ["stalkerware_package", "accessibility"]}],
            "settings_flagged": [{"name": "package_verifier_enable", "value": "0"}],
            "incomplete": False,
        }, id="p00000000001"),
        ProbeRun("photos", "complete", "2026-11-20T09:40:00Z", data={
            "files_scanned": 12,
            "with_location": [{"file": "IMG_0001.jpg", "lat": 49.486389, "lon": 105.9225,
                               "time": "2026-11-02T15:04:00Z", "model": "Galaxy A54"}],
            "unreadable": ["broken.heic"],
        }, id="p00000000002"),
        ProbeRun("passwords", "complete", "2026-11-20T09:50:30Z", id="p00000000003"),
        ProbeRun("breaches", "complete", "2026-11-20T10:00:00Z", id="p00000000004"),
    ]
    s.custody = [
        CustodyEvent(T0, "session_created"),
        CustodyEvent("2026-11-20T09:20:00Z", "evidence_collected",
                     "android/packages.txt sha256=9d3c…"),
        CustodyEvent("2026-11-20T10:30:00Z", "finished"),
    ]
    return s


@dataclass(frozen=True)
class Service:
    id: str
    name: dict[str, str]
    helps_with: dict[str, str]
    phone: str = ""
    website: str = ""
    address: Any = ""
    hours: Any = ""
    area: str = "national"
    source: str = ""
    checked: str = ""
    verified: bool = True
    note: Any = ""


@dataclass(frozen=True)
class Province:
    id: str
    name: dict[str, str]


@dataclass(frozen=True)
class Term:
    id: str
    term: dict[str, str]
    definition: dict[str, str]
    variants: list[str] = field(default_factory=list)


SERVICES = [
    Service("police", {"mn": "Цагдаа", "en": "Police"},
            {"mn": "Яаралтай тусламж", "en": "Emergencies"}, phone="102",
            source="https://police.gov.mn/", checked="2026-11-01"),
    Service("dv_hotline",
            {"mn": "Гэр бүлийн хүчирхийллийн утас", "en": "Domestic-violence hotline"},
            {"mn": "Зөвлөгөө, хамгаалалт", "en": "Advice and protection"}, phone="107",
            hours={"mn": "24 цаг", "en": "24 hours"}, checked="2026-11-01"),
    Service("darkhan_osc", {"mn": "Дархан-Уул аймгийн Нэг цэгийн үйлчилгээний төв",
                            "en": "Darkhan-Uul One-Stop Service Centre"},
            {"mn": "Түр хамгаалах байр, сэтгэл зүйн зөвлөгөө",
             "en": "Temporary shelter, counselling"},
            area="darkhan_uul", verified=False, note={"mn": "Утасны дугаарыг шалгах",
                                                       "en": "Phone number to be confirmed"}),
]

TERMS = [
    Term("stalkerware", {"mn": "Нууцаар хянадаг апп", "en": "Stalkerware"},
         {"mn": "Хүний мэдэлгүйгээр утсыг нь хянадаг апп.",
          "en": "An app that monitors a phone without its owner knowing."}),
    Term("two_step", {"mn": "Хоёр алхамт баталгаажуулалт", "en": "Two-step verification"},
         {"mn": "Нэвтрэхэд нууц үгээс гадна нэг код шаарддаг тохиргоо.",
          "en": "A setting that asks for a code as well as the password when you sign in."}),
    Term("doxing", {"mn": "Хувийн мэдээллийг задруулах", "en": "Doxing"},
         {"mn": "Хүний хувийн мэдээллийг зөвшөөрөлгүй нийтлэх.",
          "en": "Publishing someone's personal data without consent."}),
]


def sources() -> Sources:
    provinces = {"darkhan_uul": Province("darkhan_uul", {"mn": "Дархан-Уул", "en": "Darkhan-Uul"})}
    return Sources(
        services_for=lambda pid: [s for s in SERVICES if s.area in ("national", pid)],
        find_province=provinces.get,
        load_glossary=lambda: TERMS,
    )
