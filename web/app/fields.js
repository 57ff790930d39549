// Zoho field names and values as people read them: "Last_Name" → "Last name", ids with their names.

/** "Last_Name", "departmentId", "per_page" → "Last name", "Department id", "Per page". */
export function fieldLabel(key) {
  const words = String(key).replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim().toLowerCase();
  return words.replace(/^./, (c) => c.toUpperCase());
}

/** A value in one line: a name beside an id the conversation named, a lookup's name, lists joined. */
export function fieldValue(value, names = {}) {
  if (value === null || value === undefined || value === '') return '-';
  if (typeof value === 'string') return names[value] ? `${names[value]} (${value})` : value;
  if (Array.isArray(value)) return value.map((v) => fieldValue(v, names)).join(', ');
  if (typeof value === 'object') {
    const id = typeof value.id === 'string' ? value.id : undefined;
    const name = typeof value.name === 'string' ? value.name : id ? names[id] : undefined;
    if (name && id) return `${name} (${id})`;
    if (name || id) return name ?? id;
    return JSON.stringify(value);
  }
  return String(value);
}

/** The params a person checks, as [label, value]: a record's or changes' fields one by one. */
export function keyFields(params, names = {}) {
  const rows = [];
  for (const [key, value] of Object.entries(params && typeof params === 'object' ? params : {})) {
    if (value && typeof value === 'object' && !Array.isArray(value) && typeof value.id !== 'string') {
      for (const [inner, v] of Object.entries(value)) rows.push([fieldLabel(inner), fieldValue(v, names)]);
    } else rows.push([fieldLabel(key), fieldValue(value, names)]);
  }
  return rows.slice(0, 14);
}
