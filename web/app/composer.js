// The message box: grows with its text, Enter sends (Shift+Enter for a new line), and focus stays
// here after Send, Stop, Approve and Deny, since those buttons are swapped or disabled under the finger.

/** `els`: { composer, prompt, send, stop }; `onSend(text)`, `onStop()`. */
export function createComposer(els, { onSend, onStop }) {
  const grow = () => {
    els.prompt.style.height = 'auto';
    els.prompt.style.height = `${Math.min(els.prompt.scrollHeight, 200)}px`;
  };
  els.prompt.addEventListener('input', grow);
  els.prompt.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      els.composer.requestSubmit();
    }
  });
  els.composer.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = els.prompt.value;
    if (!text.trim() || els.send.hidden) return;
    els.prompt.value = '';
    grow();
    onSend(text);
  });
  els.stop.addEventListener('click', () => onStop());

  return {
    focus: () => els.prompt.focus({ preventScroll: true }),
    setText(text) {
      els.prompt.value = text;
      grow();
      els.prompt.focus();
    },
    /** Swaps Send and Stop; focus goes back to the message box if it was on the button that went away. */
    setBusy(busy) {
      const hadFocus = document.activeElement === els.send || document.activeElement === els.stop;
      els.send.hidden = busy;
      els.stop.hidden = !busy;
      if (hadFocus) els.prompt.focus({ preventScroll: true });
    },
  };
}
