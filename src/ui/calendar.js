// A moment on a time zone's calendar, read by the browser (Intl knows every zone's rules,
// daylight saving included): [ 'YYYY-MM-DD', 'HH:MM', minutes east of UTC ], or null for a
// zone the browser does not know. `zone` undefined: the browser's own.
export function localTime(ms, zone) {
  try {
    const parts = {};
    const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    for (const p of format.formatToParts(new Date(ms))) parts[p.type] = p.value;
    const offset = Math.round((Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute) - Math.floor(ms / 60000) * 60000) / 60000);
    return [`${parts.year}-${parts.month}-${parts.day}`, `${parts.hour}:${parts.minute}`, offset];
  } catch (_) {
    return null;
  }
}
