import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rememberOpened } from '../../src/crypto/opened-tokens.ts';
import { createTokenCipher, TokenDecryptError } from '../../src/crypto/token-cipher.ts';

describe('a token cipher that remembers what it opened', () => {
  const cipher = createTokenCipher(randomBytes(32));
  const counted = () => {
    let opens = 0;
    const open = rememberOpened((sealed, context) => (opens++, cipher.decrypt(sealed, context)), 2);
    return { open, opens: () => opens };
  };

  it('opens a sealed value once per exact text and context; another context is opened (and refused) on its own', () => {
    const { open, opens } = counted();
    const sealed = cipher.encrypt('access-token', '["a","access_token"]');
    expect(open(sealed, '["a","access_token"]')).toBe('access-token');
    expect(open(sealed, '["a","access_token"]')).toBe('access-token');
    expect(opens()).toBe(1);
    // The same bytes under another owner's context fail, every time: a failure is not remembered.
    expect(() => open(sealed, '["b","access_token"]')).toThrow(TokenDecryptError);
    expect(() => open(sealed, '["b","access_token"]')).toThrow(TokenDecryptError);
    expect(opens()).toBe(3);
    // A value sealed again (new IV) is other text: opened on its own.
    expect(open(cipher.encrypt('access-token', '["a","access_token"]'), '["a","access_token"]')).toBe('access-token');
    expect(opens()).toBe(4);
  });

  it('keeps at most its bound, the least lately used leaving first', () => {
    const { open, opens } = counted();
    const [x, y, z] = ['x', 'y', 'z'].map((t) => cipher.encrypt(t, 'c'));
    open(x!, 'c');
    open(y!, 'c');
    open(x!, 'c'); // x is now the latest used
    open(z!, 'c'); // y leaves
    expect(opens()).toBe(3);
    expect(open(x!, 'c')).toBe('x');
    expect(opens()).toBe(3);
    expect(open(y!, 'c')).toBe('y');
    expect(opens()).toBe(4);
  });
});
