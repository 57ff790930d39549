// Keeps the newest message in view while the person is at the end of the list, and offers
// "Jump to latest" when they scrolled up to read.

export function createScroller(list, jumpButton) {
  let stuck = true;
  const nearEnd = () => list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const update = () => {
    stuck = nearEnd();
    jumpButton.hidden = stuck || list.scrollHeight - list.scrollTop - list.clientHeight < 200;
  };
  const toEnd = (smooth = false) => {
    list.scrollTo({ top: list.scrollHeight, behavior: smooth ? 'smooth' : 'instant' });
    stuck = true;
    jumpButton.hidden = true;
  };
  list.addEventListener('scroll', update, { passive: true });
  jumpButton.addEventListener('click', () => toEnd(true));
  // A phone's keyboard or a rotation changes the height: stay at the end if we were there.
  window.addEventListener('resize', () => { if (stuck) toEnd(); });

  return {
    /** Call before content changes; returns a function to call after it. */
    beforeChange() {
      const wasStuck = stuck || nearEnd();
      return () => (wasStuck ? toEnd() : update());
    },
    toEnd,
  };
}
