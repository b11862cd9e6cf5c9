"""Read an answers file for non-interactive audits (``audit --answers FILE --no-input``).

YAML or JSON (JSON is YAML)::

    label: "Case 12"            # optional pseudonymous label
    province: darkhan_uul       # optional
    intake:
      concerns: [accounts, location]
      devices: [android]
      platforms: [facebook, google]
      lives_with: no            # yes | no | not_sure
      physical_access: yes
    answers:
      password_not_known@facebook: yes          # check id @ platform
      two_step_on@google: {answer: no, action: deferred, note: "plan first"}
      phone_not_given_by_other@android: not_sure

Every problem raises ``UsageError`` naming the field; the file is never changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safetycheck.catalog import yes_no_key
from safetycheck.errors import UsageError
from safetycheck.model import Action, AnswerKey

MAX_BYTES = 1_000_000
TOP_FIELDS = ("label", "province", "intake", "answers", "caseworker", "lang")


@dataclass(frozen=True)
class PlannedAnswer:
    key: str
    answer: AnswerKey
    action: Action | None = None
    note: str = ""


@dataclass(frozen=True)
class AnswersFile:
    label: str = ""
    province: str | None = None
    caseworker: str = ""
    intake: Mapping[str, Any] = field(default_factory=dict)
    answers: tuple[PlannedAnswer, ...] = ()


def _answer_word(value: Any) -> Any:
    value = yes_no_key(value)
    if value is None:
        return "not_sure"
    if isinstance(value, str):
        return value.strip().lower().replace(" ", "_").replace("-", "_")
    return value


def parse_answers(text: str, where: str = "answers") -> AnswersFile:
    """Parse the text of an answers file (pure: no I/O)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, ValueError, RecursionError):
        raise UsageError("error.answers_file.yaml", file=where) from None
    if not isinstance(data, Mapping):
        raise UsageError("error.answers_file.not_mapping", file=where, field="(file)")
    for key in data:
        if key not in TOP_FIELDS:
            raise UsageError("error.answers_file.unknown_field", file=where, field=str(key))
    intake = data.get("intake") or {}
    if not isinstance(intake, Mapping):
        raise UsageError("error.answers_file.not_mapping", file=where, field="intake")
    intake = {str(k): _intake_value(v) for k, v in intake.items()}
    raw_answers = data.get("answers") or {}
    if not isinstance(raw_answers, Mapping):
        raise UsageError("error.answers_file.not_mapping", file=where, field="answers")
    planned: list[PlannedAnswer] = []
    for key, value in raw_answers.items():
        key = str(key)
        action: Action | None = None
        note = ""
        if isinstance(value, Mapping):
            word = _answer_word(value.get("answer"))
            act = value.get("action")
            if act is not None:
                try:
                    action = Action(str(act))
                except ValueError:
                    raise UsageError("error.answers_file.bad_value", file=where,
                                     field=f"{key}.action",
                                     allowed=", ".join(a.value for a in Action)) from None
            note = str(value.get("note") or "")
        else:
            word = _answer_word(value)
        try:
            answer = AnswerKey(word)
        except ValueError:
            raise UsageError("error.answers_file.bad_value", file=where, field=key,
                             allowed=", ".join(a.value for a in AnswerKey)) from None
        planned.append(PlannedAnswer(key=key, answer=answer, action=action, note=note))
    label = data.get("label")
    province = data.get("province")
    return AnswersFile(
        label="" if label is None else str(label),
        province=None if province in (None, "") else str(province),
        caseworker=str(data.get("caseworker") or ""),
        intake=intake,
        answers=tuple(planned),
    )


def _intake_value(value: Any) -> Any:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "not_sure"
    return value if isinstance(value, str) else str(value)


def read_answers_file(path: Path) -> AnswersFile:
    """Read and parse ``path`` (``-`` is standard input, so nothing sensitive need touch the
    disk); unreadable or huge files give a clear error."""
    if str(path) == "-":
        import sys

        text = sys.stdin.read(MAX_BYTES + 1)
        if len(text) > MAX_BYTES:
            raise UsageError("error.answers_file.too_big", file="-")
        return parse_answers(text, "-")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise UsageError("error.answers_file.too_big", file=str(path))
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError("error.path_not_found", path=str(path)) from None
    except (OSError, UnicodeDecodeError):
        raise UsageError("error.answers_file.unreadable", file=str(path)) from None
    return parse_answers(text, str(path))
