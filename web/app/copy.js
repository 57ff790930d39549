// Copy buttons: the text goes to the clipboard, the button says "Copied" for a moment.
import { announce } from './announcer.js';
import { h } from './dom.js';

/** A button copying `text()`; `what` ("the answer", "json code") completes its name for screen readers. */
export function copyButton(text, what, extraClass = '') {
  const shown = h('span', {}, 'Copy');
  const button = h('button', { type: 'button', class: `btn btn-ghost btn-small copy ${extraClass}`.trim(), title: `Copy ${what}` },
    shown, h('span', { class: 'visually-hidden' }, ` ${what}`));
  button.addEventListener('click', async () => {
    const ok = await writeClipboard(text());
    shown.textContent = ok ? 'Copied' : 'Copy failed';
    announce(ok ? 'Copied to the clipboard.' : 'Could not copy.');
    setTimeout(() => { shown.textContent = 'Copy'; }, 1500);
  });
  return button;
}

async function writeClipboard(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (or no permission): the older way, through a selection.
    const area = h('textarea', { class: 'visually-hidden', 'aria-hidden': 'true', readonly: true });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand?.('copy') ?? false;
    area.remove();
    return ok;
  }
}
