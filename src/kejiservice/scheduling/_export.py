"""Export a plan: iCalendar (RFC 5545) and CSV.

iCalendar: one all-day ``VEVENT`` per planned visit (``DTSTART;VALUE=DATE`` and
``DTEND`` the next day), with the visit's stable ``UID`` and its ``SEQUENCE``; lines
end in CRLF and are folded at 75 octets without splitting a UTF-8 character.
``DTSTAMP`` is the ``generated_at`` argument, never the clock. Given the previous
plan, visits that disappeared are published once more with ``STATUS:CANCELLED`` and
a higher sequence, so calendar apps remove them.

CSV (RFC 4180, CRLF line ends): one row per planned visit (``status`` = ``planned``)
and one per unplaced window (``status`` = ``unplaced``, with its ``reason``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping

from ..errors import InvalidInput
from ._models import Plan, PlannedVisit

__all__ = ["CSV_COLUMNS", "to_csv", "to_ics"]

PRODID = "-//kejiservice//visit plan//ZH"

#: The columns of :func:`to_csv`, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "status",
    "enterprise",
    "enterprise_name",
    "officer",
    "officer_name",
    "date",
    "kind",
    "window_start",
    "window_end",
    "sequence",
    "uid",
    "reason",
)


def _escape(text: str) -> str:
    """RFC 5545 TEXT escaping (backslash, semicolon, comma, newline)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (continuations start with one space)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current: list[str] = []
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _stamp(generated_at: dt.datetime) -> str:
    if not isinstance(generated_at, dt.datetime):
        raise InvalidInput(
            f"must be a date and time, got {type(generated_at).__name__}", path="generated_at"
        )
    if generated_at.tzinfo is None or generated_at.utcoffset() is None:
        raise InvalidInput("must be timezone-aware (DTSTAMP is in UTC)", path="generated_at")
    return generated_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(
    visit: PlannedVisit,
    stamp: str,
    enterprise_names: Mapping[str, str],
    officer_names: Mapping[str, str],
    *,
    cancelled: bool = False,
) -> list[str]:
    ent_name = enterprise_names.get(visit.enterprise)
    off_name = officer_names.get(visit.officer, visit.officer)
    title = f"走访 {ent_name} ({visit.enterprise})" if ent_name else f"走访 {visit.enterprise}"
    description = (
        f"Officer 服务官: {off_name} ({visit.officer})\n"
        f"Window 周期: {visit.window_start.isoformat()} – {visit.window_end.isoformat()}\n"
        f"Kind: {visit.kind.value}"
    )
    return [
        "BEGIN:VEVENT",
        f"UID:{visit.uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{visit.date:%Y%m%d}",
        f"DTEND;VALUE=DATE:{visit.date + dt.timedelta(days=1):%Y%m%d}",
        f"SEQUENCE:{visit.sequence + 1 if cancelled else visit.sequence}",
        f"SUMMARY:{_escape(title)}",
        f"DESCRIPTION:{_escape(description)}",
        f"CATEGORIES:{_escape(visit.kind.value)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def to_ics(
    plan: Plan,
    *,
    generated_at: dt.datetime,
    enterprise_names: Mapping[str, str] | None = None,
    officer_names: Mapping[str, str] | None = None,
    previous: Plan | None = None,
    calendar_name: str | None = None,
) -> str:
    """The plan as an iCalendar document (a ``str`` with CRLF line ends).

    ``generated_at`` (timezone-aware) becomes every event's ``DTSTAMP``. Names, when
    given, go into the summaries and descriptions. With ``previous``, visits it had
    that ``plan`` no longer has are included as cancelled events. Write the result
    with ``newline=""`` (or as bytes) so that the CRLF line ends are kept.
    """
    stamp = _stamp(generated_at)
    ents = enterprise_names or {}
    offs = officer_names or {}
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if calendar_name:
        lines.append(f"X-WR-CALNAME:{_escape(calendar_name)}")
    for visit in plan.visits:
        lines.extend(_event(visit, stamp, ents, offs))
    if previous is not None:
        current = {v.uid for v in plan.visits}
        for visit in previous.visits:
            if visit.uid not in current:
                lines.extend(_event(visit, stamp, ents, offs, cancelled=True))
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def to_csv(
    plan: Plan,
    *,
    enterprise_names: Mapping[str, str] | None = None,
    officer_names: Mapping[str, str] | None = None,
) -> str:
    """The plan as CSV text with a header row (see :data:`CSV_COLUMNS`)."""
    ents = enterprise_names or {}
    offs = officer_names or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for visit in plan.visits:
        writer.writerow(
            [
                "planned",
                visit.enterprise,
                ents.get(visit.enterprise, ""),
                visit.officer,
                offs.get(visit.officer, ""),
                visit.date.isoformat(),
                visit.kind.value,
                visit.window_start.isoformat(),
                visit.window_end.isoformat(),
                visit.sequence,
                visit.uid,
                "",
            ]
        )
    for entry in plan.unplaced:
        writer.writerow(
            [
                "unplaced",
                entry.enterprise,
                ents.get(entry.enterprise, ""),
                entry.officer or "",
                offs.get(entry.officer, "") if entry.officer else "",
                "",
                "",
                entry.window_start.isoformat(),
                entry.window_end.isoformat(),
                "",
                "",
                entry.reason.value,
            ]
        )
    return buffer.getvalue()
