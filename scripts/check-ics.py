#!/usr/bin/env python3
"""Reads a calendar file with Python's `icalendar` (a parser independent of
ours) and prints what it understood, for server/tests/feeds.rs: the calendar
name, the number of events, and each event's fields, unescaped. Fails on a
file it cannot read or an event without a time zone."""
import sys

from icalendar import Calendar

with open(sys.argv[1], "rb") as f:
    cal = Calendar.from_ical(f.read())
print("calendar", str(cal.get("X-WR-CALNAME")))
events = list(cal.walk("VEVENT"))
print("events", len(events))
for e in events:
    start = e.decoded("DTSTART")
    if start.tzinfo is None:
        sys.exit(f"no time zone on {e.get('UID')}")
    print("uid", e.get("UID"), "sequence", e.get("SEQUENCE"), "status", e.get("STATUS"))
    print("start", start.isoformat())
    print("summary", str(e.get("SUMMARY")))
    print("description", str(e.get("DESCRIPTION")))
