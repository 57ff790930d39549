// A panel that opens over the page (the connections panel; the conversation list on a phone): a
// close control, a backdrop that closes it, Escape closes it, focus moves in and comes back to
// what opened it, and the page behind is inert while it is open.

const open = [];

/** `panel` is the sheet; `backdrop` a shared element behind it; `behind()` the elements to make inert. */
export function createSheet(panel, { backdrop, behind, onToggle = () => {} }) {
  let opener;

  function show() {
    if (open.includes(sheet)) return;
    opener = document.activeElement;
    open.push(sheet);
    panel.classList.add('open');
    backdrop.hidden = false;
    for (const el of behind()) if (el !== panel) el.inert = true;
    (panel.querySelector('[data-autofocus]') ?? panel.querySelector('button, select, input, [tabindex="0"]'))?.focus();
    onToggle(true);
  }

  function hide() {
    const at = open.indexOf(sheet);
    if (at === -1) return;
    open.splice(at, 1);
    panel.classList.remove('open');
    if (open.length === 0) {
      backdrop.hidden = true;
      for (const el of behind()) el.inert = false;
    }
    onToggle(false);
    if (opener?.isConnected && !opener.closest('[inert]')) opener.focus();
  }

  const sheet = { show, hide, toggle: () => (open.includes(sheet) ? hide() : show()), get isOpen() { return open.includes(sheet); } };
  backdrop.addEventListener('click', () => { if (open.at(-1) === sheet) hide(); });
  return sheet;
}

/** Escape closes the top sheet; true when it did. */
export function closeTopSheet() {
  const top = open.at(-1);
  if (!top) return false;
  top.hide();
  return true;
}
