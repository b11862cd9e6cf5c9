"""A simulated Android phone for ``safetycheck demo``, training sessions and end-to-end tests.

Its outputs are written by the project in the real formats of each command (``getprop``,
``pm list packages -U -u -i``, ``dumpsys package``, ``dumpsys accessibility`` in the Android
13 form, ...), and it is served through the same ``Transport`` interface and the same
marker-framed script output as a real phone, so the demo exercises the real code path.

Planted, for teaching: a stalkerware app from the built-in indicator list (TheTruthSpy's
``com.systemservice``: installed from an APK file, no launcher icon, with accessibility,
notification access and device-admin rights), a family-locator app (Life360, watchware),
Chrome allowed to install unknown apps, Play Protect turned off, an old security patch and
USB debugging on. The person and the phone are fictional.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from safetycheck.probes.android import script as sc
from safetycheck.probes.android.interface import Acquisition, Progress, Transport

DEMO_SERIAL = "R9DEMO0000SC"
STALKERWARE = "com.systemservice"
WATCHWARE = "com.life360.android.safetymapd"
PLAY = "com.android.vending"
APK_INSTALLER = "com.google.android.packageinstaller"


@dataclass(frozen=True)
class DemoApp:
    """One app of the demo phone."""

    package: str
    installer: str | None
    system: bool
    uid: int
    launcher: bool = True
    days_ago: int = 400
    version: str = "1.0"
    requested: tuple[str, ...] = ("android.permission.INTERNET",)
    granted_runtime: tuple[str, ...] = ()
    code_dir: str = ""


_SPY_PERMS = (
    "android.permission.ACCESS_FINE_LOCATION", "android.permission.ACCESS_BACKGROUND_LOCATION",
    "android.permission.READ_SMS", "android.permission.RECEIVE_SMS",
    "android.permission.READ_CALL_LOG", "android.permission.READ_CONTACTS",
    "android.permission.RECORD_AUDIO", "android.permission.CAMERA",
    "android.permission.INTERNET", "android.permission.RECEIVE_BOOT_COMPLETED",
    "android.permission.BIND_ACCESSIBILITY_SERVICE", "android.permission.BIND_DEVICE_ADMIN",
    "android.permission.REQUEST_IGNORE_BATTERY_OPTIMIZATIONS",
)


def _base_apps() -> list[DemoApp]:
    sys_apps = [
        ("android", None, 1000, False), ("com.android.settings", None, 1000, True),
        ("com.android.systemui", None, 10080, False), ("com.android.shell", None, 2000, False),
        ("com.google.android.gms", None, 10045, False), (PLAY, None, 10046, True),
        ("com.android.chrome", None, 10120, True),
        ("com.google.android.apps.messaging", None, 10101, True),
        ("com.google.android.dialer", None, 10102, True),
        ("com.sec.android.app.camera", None, 10103, True),
        ("com.google.android.packageinstaller", None, 10047, False),
        ("com.samsung.android.app.notes", None, 10104, True),
        ("com.google.android.inputmethod.latin", None, 10105, False),
    ]
    apps = [DemoApp(p, i, True, u, launcher=lau, days_ago=900, code_dir="/system/app")
            for p, i, u, lau in sys_apps]
    store_apps = [
        ("com.facebook.katana", 10231), ("com.facebook.orca", 10232),
        ("com.viber.voip", 10233), ("org.telegram.messenger", 10234),
        ("com.instagram.android", 10235), ("com.zhiliaoapp.musically", 10236),
        ("com.google.android.apps.maps", 10237),
    ]
    apps += [DemoApp(p, PLAY, False, u, days_ago=300 - i * 20) for i, (p, u) in
             enumerate(store_apps)]
    apps.append(DemoApp(WATCHWARE, PLAY, False, 10240, days_ago=60, version="24.10.0",
                        requested=("android.permission.ACCESS_FINE_LOCATION",
                                   "android.permission.ACCESS_BACKGROUND_LOCATION",
                                   "android.permission.INTERNET"),
                        granted_runtime=("android.permission.ACCESS_FINE_LOCATION",
                                         "android.permission.ACCESS_BACKGROUND_LOCATION")))
    apps.append(DemoApp(STALKERWARE, APK_INSTALLER, False, 10245, launcher=False, days_ago=23,
                        version="7.1.2", requested=_SPY_PERMS,
                        granted_runtime=_SPY_PERMS[:8]))
    return apps


@dataclass
class DemoPhone(Transport):
    """The simulated phone. ``extra_apps`` adds ordinary store apps (for the benchmark)."""

    extra_apps: int = 0
    today: date = field(default_factory=lambda: datetime.now(UTC).date())
    serial: str = DEMO_SERIAL
    source: str = "demo"

    def __post_init__(self) -> None:
        self.apps = _base_apps()
        self.apps += [DemoApp(f"org.example.app{i:03d}", PLAY, False, 11000 + i,
                              days_ago=30 + i % 300) for i in range(self.extra_apps)]
        self.by_name = {a.package: a for a in self.apps}

    # -- the outputs, in the phone's own formats ---------------------------------------------
    def _time(self, days_ago: int, seconds: int = 0) -> str:
        t = datetime(self.today.year, self.today.month, self.today.day, 9, 14, 27) - \
            timedelta(days=days_ago, seconds=seconds)
        return t.strftime("%Y-%m-%d %H:%M:%S")

    def patch_date(self) -> str:
        d = self.today - timedelta(days=270)
        return d.replace(day=1).isoformat()

    def getprop(self) -> str:
        props = {
            "dalvik.vm.heapsize": "512m",
            "persist.sys.locale": "mn-MN",
            "ro.boot.flash.locked": "1",
            "ro.boot.serialno": self.serial,
            "ro.boot.verifiedbootstate": "green",
            "ro.build.tags": "release-keys",
            "ro.build.type": "user",
            "ro.build.version.release": "13",
            "ro.build.version.sdk": "33",
            "ro.build.version.security_patch": self.patch_date(),
            "ro.debuggable": "0",
            "ro.product.brand": "samsung",
            "ro.product.manufacturer": "samsung",
            "ro.product.model": "SM-A145F",
            "ro.secure": "1",
            "ro.serialno": self.serial,
        }
        return "".join(f"[{k}]: [{v}]\n" for k, v in props.items())

    def settings_secure(self) -> str:
        return (
            "accessibility_enabled=1\n"
            f"enabled_accessibility_services={STALKERWARE}/{STALKERWARE}.AccessibilityMonitor\n"
            "enabled_notification_listeners=com.google.android.apps.messaging/"
            "com.google.android.apps.messaging.shared.notification.NotificationListener:"
            f"{STALKERWARE}/{STALKERWARE}.NotifyListener\n"
            "location_mode=3\n"
            "lock_screen_owner_info=Saraa saraa.demo@example.com\n"
            "lock_screen_owner_info_enabled=0\n"
            "screensaver_enabled=0\n"
        )

    def settings_global(self) -> str:
        return (
            "adb_enabled=1\n"
            "airplane_mode_on=0\n"
            "development_settings_enabled=1\n"
            "package_verifier_enable=0\n"
            "package_verifier_user_consent=1\n"
            "stay_on_while_plugged_in=0\n"
            "upload_apk_enable=1\n"
            "wifi_on=1\n"
        )

    def pm_list(self) -> str:
        return "".join(f"package:{a.package}  installer={a.installer or 'null'} uid:{a.uid}\n"
                       for a in self.apps)

    def pm_subset(self, which: str) -> str:
        pick = {"s": lambda a: a.system, "3": lambda a: not a.system, "d": lambda a: False}[which]
        return "".join(f"package:{a.package}\n" for a in self.apps if pick(a))

    def accessibility(self) -> str:
        return (
            "ACCESSIBILITY MANAGER (dumpsys accessibility)\n\n"
            "currentUserId=0\n"
            "User state[\n"
            "     attributes:{id=0, touchExplorationEnabled=false, serviceHandlesDoubleTap=false,"
            " requestMultiFingerGestures=false, requestTwoFingerPassthrough=false,"
            " sendMotionEventsEnabledfalse, displayMagnificationEnabled=false,"
            " autoclickEnabled=false, nonInteractiveUiTimeout=0, interactiveUiTimeout=0,"
            " installedServiceCount=2}\n"
            "     shortcut key:{}\n"
            "     button:{}\n"
            "     button target:{null}\n"
            "     Bound services:{Service[label=System Service, feedbackType[FEEDBACK_GENERIC],"
            " capabilities=1, eventTypes=TYPES_ALL_MASK, notificationTimeout=100,"
            " requestA11yBtn=false]}\n"
            f"     Enabled services:{{{{{STALKERWARE}/{STALKERWARE}.AccessibilityMonitor}}}}\n"
            "     Binding services:{}\n"
            "     Crashed services:{}]\n"
        )

    def device_policy(self) -> str:
        return (
            "Current Device Policy Manager state:\n"
            "  Immutable state:\n"
            "    mHasFeature=true\n"
            "    mIsWatch=false\n"
            "  Enabled Device Admins (User 0, provisioningState: 0):\n"
            "    com.google.android.gms/com.google.android.gms.mdm.receivers"
            ".MdmDeviceAdminReceiver:\n"
            "      uid=10045\n"
            "      testOnlyAdmin=false\n"
            "      policies:\n"
            "        force-lock\n"
            "        wipe-data\n"
            f"    {STALKERWARE}/{STALKERWARE}.AdminReceiver:\n"
            "      uid=10245\n"
            "      testOnlyAdmin=false\n"
            "      policies:\n"
            "        force-lock\n"
            "        watch-login\n"
            "  Encryption Status: per-user\n"
        )

    def launcher(self) -> str:
        shown = [a for a in self.apps if a.launcher]
        out = [f"{len(shown)} activities found:\n"]
        for i, a in enumerate(shown):
            out.append(f"  Activity #{i}:\n    priority=0 preferredOrder=0 match=0x108000 "
                       f"specificIndex=-1 isDefault=false\n    {a.package}/.MainActivity\n")
        return "".join(out)

    def appops(self) -> str:
        out = ["Current AppOps Service state:\n  Settings:\n    top_state_settle_time=+30s0ms\n"]
        for a in self.apps:
            out.append(f"  Uid u0a{a.uid - 10000}:\n    state=cch\n" if a.uid >= 10000
                       else f"  Uid {a.uid}:\n    state=pers\n")
            out.append(f"    Package {a.package}:\n")
            if a.package == "com.android.chrome":
                out.append("      REQUEST_INSTALL_PACKAGES (allow):\n"
                           f"          Access: [top-s] {self._time(24)}.120 (-24d0h0m0s0ms)\n")
            out.append("      WAKE_LOCK (allow):\n")
        return "".join(out)

    def package_block(self, a: DemoApp) -> str:
        path = a.code_dir or f"/data/app/~~dEm0{a.uid}==/{a.package}-Xq{a.uid}=="
        flags = "[ SYSTEM HAS_CODE ALLOW_CLEAR_USER_DATA ]" if a.system else \
            "[ HAS_CODE ALLOW_CLEAR_USER_DATA ALLOW_BACKUP ]"
        lines = [
            f"  Package [{a.package}] ({a.uid:07x}):",
            f"    userId={a.uid}",
            f"    pkg=Package{{{a.uid:07x} {a.package}}}",
            f"    codePath={path}",
            f"    versionCode={a.uid} minSdk=24 targetSdk=33",
            f"    versionName={a.version}",
            f"    flags={flags}",
            f"    timeStamp={self._time(a.days_ago, -60)}",
            f"    firstInstallTime={self._time(a.days_ago)}",
            f"    lastUpdateTime={self._time(a.days_ago, -60)}",
        ]
        if a.installer:
            lines.append(f"    installerPackageName={a.installer}")
        lines += [f"    pkgFlags={flags}", "    requested permissions:"]
        lines += [f"      {p}" for p in a.requested]
        lines += ["    install permissions:", "      android.permission.INTERNET: granted=true",
                  f"    User 0: ceDataInode={a.uid * 7} installed=true hidden=false "
                  "suspended=false distractionFlags=0 stopped=false notLaunched=false enabled=0 "
                  "instant=false virtual=false"]
        if a.granted_runtime:
            lines.append("      runtime permissions:")
            lines += [f"        {p}: granted=true, flags=[ USER_SET|USER_SENSITIVE_WHEN_GRANTED]"
                      for p in a.granted_runtime]
        return "\n".join(lines) + "\n"

    def packages(self) -> str:
        return "Packages:\n" + "".join(self.package_block(a) for a in self.apps)

    def package_dump(self, package: str) -> str:
        """``dumpsys package <pkg>`` (used by the benchmark's per-app approach)."""
        app = self.by_name.get(package)
        return "Packages:\n" + self.package_block(app) if app else ""

    def sections(self) -> dict[str, str]:
        """Every section of the scan script, as the phone would print it."""
        now = datetime(self.today.year, self.today.month, self.today.day, 9, 30, 0)
        return {
            "date": now.strftime("%Y-%m-%dT%H:%M:%SZ") + "\n",
            "getprop": self.getprop(),
            "settings_secure": self.settings_secure(),
            "settings_global": self.settings_global(),
            "pm_list": self.pm_list(),
            "pm_args": "-U -u -i\n",
            "pm_system": self.pm_subset("s"),
            "pm_third_party": self.pm_subset("3"),
            "pm_disabled": self.pm_subset("d"),
            "accessibility": self.accessibility(),
            "dpm_owners": "no owners\n",
            "device_policy": self.device_policy(),
            "getenforce": "Enforcing\n",
            "root_binaries": "",
            "launcher": self.launcher(),
            "appops": self.appops(),
            "packages": self.packages(),
        }

    # -- the transport -------------------------------------------------------------------
    def acquire(self, progress: Progress | None = None) -> Acquisition:
        nonce = sc.new_nonce()
        split = sc.split_output(sc.render_output(nonce, self.sections()), nonce)
        if progress:
            for name in split.sections:
                progress(name)
        return Acquisition(source=self.source, sections=split.sections,
                           commands={n: f"demo phone: {sc.COMMANDS[n]}" for n in split.sections},
                           serial=self.serial)

    def describe(self) -> str:
        return "demo"
