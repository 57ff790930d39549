// Times as people read them: "14:05" today, "Mon 3 Mar, 14:05" this year, with the year otherwise.

export function timeElement(h, at) {
  if (!at) return null;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return null;
  return h('time', { datetime: date.toISOString(), title: date.toLocaleString() }, shortTime(date));
}

export function shortTime(date, now = new Date()) {
  const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (date.toDateString() === now.toDateString()) return time;
  const sameYear = date.getFullYear() === now.getFullYear();
  const day = date.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) });
  return `${day}, ${time}`;
}
