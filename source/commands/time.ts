/**
 * Times as a person reads them in text output ("in 52 min (07:33 UTC)", "3 h ago"); JSON keeps
 * the ISO value for programs. `now` is a parameter so the words are tested without a clock.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "07:33 UTC" */
function clock(date: Date): string {
	return `${date.toISOString().slice(11, 16)} UTC`;
}

/** "2026-11-30 05:12 UTC" */
function dateAndClock(date: Date): string {
	return `${date.toISOString().slice(0, 10)} ${clock(date)}`;
}

/** "52 min", "3 h", "1 h 5 min": a span rounded to what a person needs. */
function span(ms: number): string {
	if (ms < HOUR) return `${Math.max(1, Math.round(ms / MINUTE))} min`;
	const hours = Math.floor(ms / HOUR);
	const minutes = Math.round((ms - hours * HOUR) / MINUTE);
	return hours < 10 && minutes > 0 && minutes < 60 ? `${hours} h ${minutes} min` : `${Math.round(ms / HOUR)} h`;
}

/** A moment near now, relative with the clock time beside it: "in 52 min (07:33 UTC)", "expired 3 min ago (…)" is the caller's word. */
export function relativeTime(iso: string | Date, now: Date = new Date()): string {
	const date = typeof iso === 'string' ? new Date(iso) : iso;
	if (Number.isNaN(date.getTime())) return String(iso);
	const diff = date.getTime() - now.getTime();
	const at = Math.abs(diff) < DAY ? clock(date) : dateAndClock(date);
	if (Math.abs(diff) < 30_000) return `now (${at})`;
	return diff > 0 ? `in ${span(diff)} (${at})` : `${span(-diff)} ago (${at})`;
}

/**
 * A moment in a list of past events, short: "just now", "12 min ago", "5 h ago", then the date
 * ("2026-11-30 05:12 UTC") once it is a day old, when "ago" stops helping.
 */
export function pastTime(iso: string, now: Date = new Date()): string {
	const date = new Date(iso);
	if (Number.isNaN(date.getTime())) return iso;
	const ago = now.getTime() - date.getTime();
	if (ago < 0 || ago >= DAY) return dateAndClock(date);
	if (ago < MINUTE) return 'just now';
	return `${span(ago)} ago`;
}
