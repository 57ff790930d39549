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
}

export class TokenDecryptError extends Error {
  override name = 'TokenDecryptError';
}

export function createTokenCipher(key: Buffer): TokenCipher {
  if (key.length !== 32) throw new Error('TOKEN_ENCRYPTION_KEY must be 32 bytes');
  const keyId = createHash('sha256').update(key).digest('base64url').slice(0, 8);
  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url'));
      return ['v1', keyId, ...parts].join('.');
    },
    decrypt(sealed, context) {
      const [version, sealedKeyId, iv, tag, ciphertext] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new TokenDecryptError('malformed ciphertext');
      if (sealedKeyId !== keyId) throw new TokenDecryptError('ciphertext was sealed with another key');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(context));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new TokenDecryptError('ciphertext failed authentication');
      }
    },
  };
}
