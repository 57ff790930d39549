import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encrypts tokens at rest with AES-256-GCM. The additional authenticated data binds each
 * ciphertext to its owner and column, so a value copied to another user's row or another
 * column fails to decrypt. Format: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts);
 * the key id lets a future key rotation tell old from new values.
 */
export interface TokenCipher {
  encrypt(plaintext: string, context: string): string;
  decrypt(sealed: string, context: string): string;
  /** The same sealing for bytes (screenshots): `[1][keyId 6][iv 12][tag 16][ciphertext]`, no base64 growth. */
  encryptBytes(plaintext: Uint8Array, context: string): Buffer;
  decryptBytes(sealed: Uint8Array, context: string): Buffer;
}

const BYTES_VERSION = 1;
const KEY_ID_BYTES = 6;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class TokenDecryptError extends Error {
  override name = 'TokenDecryptError';
}

export function createTokenCipher(key: Buffer): TokenCipher {
  if (key.length !== 32) throw new Error('TOKEN_ENCRYPTION_KEY must be 32 bytes');
  const keyHash = createHash('sha256').update(key).digest();
  const keyId = keyHash.toString('base64url').slice(0, 8);
  const rawKeyId = keyHash.subarray(0, KEY_ID_BYTES);
  const seal = (plaintext: Buffer, context: string) => {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { iv, tag: cipher.getAuthTag(), ciphertext };
  };
  const open = (iv: Buffer, tag: Buffer, ciphertext: Buffer, context: string) => {
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new TokenDecryptError('ciphertext failed authentication');
    }
  };
  return {
    encrypt(plaintext, context) {
      const { iv, tag, ciphertext } = seal(Buffer.from(plaintext, 'utf8'), context);
      return ['v1', keyId, ...[iv, tag, ciphertext].map((b) => b.toString('base64url'))].join('.');
    },
    decrypt(sealed, context) {
      const [version, sealedKeyId, iv, tag, ciphertext] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new TokenDecryptError('malformed ciphertext');
      if (sealedKeyId !== keyId) throw new TokenDecryptError('ciphertext was sealed with another key');
      return open(Buffer.from(iv, 'base64url'), Buffer.from(tag, 'base64url'), Buffer.from(ciphertext, 'base64url'), context).toString('utf8');
    },
    encryptBytes(plaintext, context) {
      const { iv, tag, ciphertext } = seal(Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength), context);
      return Buffer.concat([Buffer.of(BYTES_VERSION), rawKeyId, iv, tag, ciphertext]);
    },
    decryptBytes(sealed, context) {
      const b = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
      const head = 1 + KEY_ID_BYTES;
      if (b.length < head + IV_BYTES + TAG_BYTES || b[0] !== BYTES_VERSION) throw new TokenDecryptError('malformed ciphertext');
      if (!b.subarray(1, head).equals(rawKeyId)) throw new TokenDecryptError('ciphertext was sealed with another key');
      return open(b.subarray(head, head + IV_BYTES), b.subarray(head + IV_BYTES, head + IV_BYTES + TAG_BYTES), b.subarray(head + IV_BYTES + TAG_BYTES), context);
    },
  };
}
