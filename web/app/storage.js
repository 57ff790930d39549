// The page's local cache: each user's current conversation id and, per conversation, the display
// state the server does not keep (repairs, attempts, approval boxes, notes). The server keeps the
// transcript; this is only a faster, richer view of it. Sign-out removes every key of the page.

const PREFIX = 'zoho-runtime.';
const MAX_CACHED = 30; // conversations kept per user; the least recently used go first
const MAX_MESSAGES = 400;

const userKey = (user) => `${PREFIX}chat:${encodeURIComponent(user)}`;
const read = (key, fallback) => {
  try {
    const value = JSON.parse(localStorage.getItem(key) ?? 'null');
    return value ?? fallback;
  } catch {
    return fallback;
  }
};

/** The cache of one signed-in user. */
export function createChatStorage(user) {
  const base = userKey(user);
  const indexKey = `${base}:index`;
  const conversationKey = (id) => `${base}:c:${id}`;
  migrateOldFormat(user, base);

  function touch(id) {
    const index = read(indexKey, []).filter((entry) => entry.id !== id);
    index.unshift({ id, at: Date.now() });
    for (const old of index.splice(MAX_CACHED)) localStorage.removeItem(conversationKey(old.id));
    localStorage.setItem(indexKey, JSON.stringify(index));
  }

  return {
    currentId: () => localStorage.getItem(`${base}:current`) ?? undefined,
    setCurrentId: (id) => localStorage.setItem(`${base}:current`, id),
    /** The cached messages of a conversation, or undefined. */
    load(id) {
      const value = read(conversationKey(id), undefined);
      return Array.isArray(value?.messages) ? value.messages : undefined;
    },
    save(id, messages) {
      const kept = messages.slice(-MAX_MESSAGES);
      try {
        touch(id);
        localStorage.setItem(conversationKey(id), JSON.stringify({ messages: kept }));
      } catch {
        // Storage full: drop the other conversations' caches (the server has them) and try once more.
        for (const entry of read(indexKey, [])) if (entry.id !== id) localStorage.removeItem(conversationKey(entry.id));
        try { localStorage.setItem(conversationKey(id), JSON.stringify({ messages: kept.slice(-50) })); } catch { /* the server still has it */ }
      }
    },
    forget(id) {
      localStorage.removeItem(conversationKey(id));
      localStorage.setItem(indexKey, JSON.stringify(read(indexKey, []).filter((entry) => entry.id !== id)));
    },
  };
}

/** Sign-out: every key this page wrote (sign-in, every user's conversations, preferences) goes. */
export function clearLocalData() {
  for (let i = localStorage.length - 1; i >= 0; i--) {
    const key = localStorage.key(i);
    if (key?.startsWith(PREFIX)) localStorage.removeItem(key);
  }
}

/** Before conversations were listed, a user had one conversation under `zoho-runtime.chat.<user>`. */
function migrateOldFormat(user, base) {
  const oldKey = `${PREFIX}chat.${user}`;
  const messages = read(oldKey, undefined);
  const id = localStorage.getItem(`${oldKey}.conversation`);
  localStorage.removeItem(oldKey);
  localStorage.removeItem(`${oldKey}.conversation`);
  if (!Array.isArray(messages) || !id || messages.length === 0) return;
  localStorage.setItem(`${base}:c:${id}`, JSON.stringify({ messages }));
  localStorage.setItem(`${base}:index`, JSON.stringify([{ id, at: Date.now() }]));
  localStorage.setItem(`${base}:current`, id);
}
