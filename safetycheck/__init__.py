"""safetycheck: a guided safety audit for survivors of tech-facilitated gender-based violence."""

__version__ = "0.1.0"
