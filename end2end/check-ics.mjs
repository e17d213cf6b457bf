// Reads a calendar file with Mozilla's ical.js (a parser independent of
// ours) and prints what it understood, for server/tests/feeds.rs: the
// calendar name, the number of events, and each event's fields, unescaped.
// Fails on a file it cannot read or an event whose zone it does not know.
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

const calendar = new ICAL.Component(ICAL.parse(readFileSync(process.argv[2], 'utf8')));
for (const zone of calendar.getAllSubcomponents('vtimezone')) {
  ICAL.TimezoneService.register(zone);
}
console.log('calendar', calendar.getFirstPropertyValue('x-wr-calname'));
const events = calendar.getAllSubcomponents('vevent');
console.log('events', events.length);
for (const component of events) {
  const e = new ICAL.Event(component);
  const tzid = e.startDate.zone && e.startDate.zone.tzid;
  if (!tzid || tzid === 'floating') {
    console.error(`no time zone on ${e.uid}`);
    process.exit(1);
  }
  console.log('uid', e.uid, 'sequence', e.sequence, 'status', component.getFirstPropertyValue('status'));
  console.log('start', e.startDate.toString(), tzid);
  console.log('summary', e.summary);
  console.log('description', e.description);
}
