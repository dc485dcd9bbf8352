import { hkdfSync } from 'node:crypto'

/**
 * A 32-byte key for one purpose, from the secret-encryption key by HKDF-SHA256 with the purpose's
 * label: the AES key of the merchant secrets is never reused as an HMAC key, each purpose's key
 * tells nothing of the others, and none of them is in the database.
 */
export function deriveKey (encryptionKey: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), label, 32))
}
