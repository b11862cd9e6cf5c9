"""Automated probes: each collects raw data, parses it with pure functions and yields findings."""
