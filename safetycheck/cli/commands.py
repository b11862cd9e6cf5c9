"""The table of top-level commands: imported by the click group and the fast help."""

# name -> (module, attribute, catalog key of the one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "audit": ("safetycheck.cli.audit", "audit", "help.audit"),
    "resume": ("safetycheck.cli.audit", "resume", "help.resume"),
    "sessions": ("safetycheck.cli.sessions", "sessions", "help.sessions"),
    "demo": ("safetycheck.cli.demo", "demo", "help.demo"),
    "checks": ("safetycheck.cli.checks", "checks", "help.checks"),
    "guide": ("safetycheck.cli.guide", "guide", "help.guide"),
    "guides": ("safetycheck.cli.guides", "guides", "help.guides"),
    "glossary": ("safetycheck.cli.glossary", "glossary", "help.glossary"),
    "services": ("safetycheck.cli.services", "services", "help.services"),
    "scan": ("safetycheck.cli.scan", "scan", "help.scan"),
    "check": ("safetycheck.cli.check", "check", "help.check"),
    "indicators": ("safetycheck.cli.indicators", "indicators", "help.indicators"),
    "config": ("safetycheck.cli.config", "config", "help.config"),
    "report": ("safetycheck.cli.report", "report", "help.report"),
    "evidence": ("safetycheck.cli.evidence", "evidence", "help.evidence"),
    "wipe": ("safetycheck.cli.wipe", "wipe", "help.wipe"),
}
