/**
 * Formatting helpers: times are always shown in Europe/Berlin.
 *
 * formatTime(date)      -> "14:05" for today, "03.11.2025, 14:05" otherwise
 * formatDuration(ms)    -> "just now", "4 min", "2 h 5 min", "3 d"
 * toDate(value)         -> Date from an ISO string / Date / epoch ms (null if invalid)
 */

const TIME_ZONE = 'Europe/Berlin';

const timeFormat = new Intl.DateTimeFormat('de-DE', {
  timeZone: TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
});

const dateFormat = new Intl.DateTimeFormat('de-DE', {
  timeZone: TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});

// en-CA gives YYYY-MM-DD, handy to compare calendar days in Berlin.
const dayKeyFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Return a Date for an ISO-8601 string, a Date or epoch milliseconds; null when invalid. */
export function toDate(value) {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Return "HH:MM" (Berlin) for today, "DD.MM.YYYY, HH:MM" for other days. */
export function formatTime(value, now = new Date()) {
  const date = toDate(value);
  if (!date) return '';
  const time = timeFormat.format(date);
  if (dayKeyFormat.format(date) === dayKeyFormat.format(now)) return time;
  return `${dateFormat.format(date)}, ${time}`;
}

/** Return a short human duration such as "just now", "4 min", "2 h 5 min", "3 d". */
export function formatDuration(ms) {
  const minutes = Math.floor(Math.max(0, ms) / 60000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest ? `${hours} h ${rest} min` : `${hours} h`;
  }
  return `${Math.floor(hours / 24)} d`;
}

/** Return the time elapsed since an ISO time, formatted with formatDuration. */
export function formatSince(value, now = new Date()) {
  const date = toDate(value);
  return date ? formatDuration(now.getTime() - date.getTime()) : '';
}
