"""The Android stalkerware scan: transports (adb, AndroidQF folder, demo phone), parsers, findings.

Modules: ``interface`` (the ``Transport`` every acquisition path implements), ``script`` (the one
shell script run on the phone and its section splitter), ``adb``, ``androidqf``, ``demo_phone``,
``parse_packages`` / ``parse_system`` (pure text -> records), ``state`` (records -> one view of
the phone), ``indicators`` (Echap lists), ``findings`` and ``service`` (the scan into a session).
Nothing is imported here, so importing the package stays cheap.
"""
