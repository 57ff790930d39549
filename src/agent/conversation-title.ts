/** How long a title may be, in characters. */
const MAX_TITLE = 80;

/** Typographic characters people paste, in ASCII. */
const ASCII_FOR: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201c': '"', '\u201d': '"', '\u201e': '"',
  '\u2013': '-', '\u2014': '-', '\u2026': '...', '\u00a0': ' ', '\u00ab': '"', '\u00bb': '"', '\u00df': 'ss',
};

/**
 * A conversation's title from its first user message: ASCII only (accents dropped, typographic
 * quotes and dashes replaced, anything else left out), whitespace collapsed, at most 80 characters
 * cut at a word. A message with nothing left (emoji only, a script with no ASCII form) gets none.
 */
export function conversationTitle(firstUserContent: unknown): string | undefined {
  const text = typeof firstUserContent === 'string'
    ? firstUserContent
    : Array.isArray(firstUserContent)
      ? firstUserContent.map((p) => (p && typeof p === 'object' && typeof p.text === 'string' ? p.text : '')).join(' ')
      : '';
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x00-\x7f]/g, (c) => ASCII_FOR[c] ?? ' ')
    .replace(/[\x00-\x1f\x7f\s]+/g, ' ')
    .trim();
  if (!/[A-Za-z0-9]/.test(ascii)) return undefined;
  if (ascii.length <= MAX_TITLE) return ascii;
  const cut = ascii.slice(0, MAX_TITLE - 3);
  const atWord = cut.lastIndexOf(' ');
  return `${(atWord > MAX_TITLE / 2 ? cut.slice(0, atWord) : cut).replace(/[\s.,;:!?-]+$/, '')}...`;
}
