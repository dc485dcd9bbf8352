import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/** Encrypts merchant secret keys at rest (AES-256-GCM); the key comes from configuration. */
export type SecretBox = {
  seal: (plaintext: string) => string
  open: (sealed: string) => string
}

const VERSION = 'v1'

/** Accepts a 32-byte key written as 64 hex digits or as base64. */
export function parseEncryptionKey (text: string): Buffer {
  const trimmed = text.trim()
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64')
  if (key.length !== 32) throw new Error('SECRET_ENCRYPTION_KEY must be 32 bytes, written as 64 hex digits or base64')
  return key
}

export function createSecretBox (key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('the secret encryption key must be 32 bytes')
  return {
    seal (plaintext) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':')
    },
    open (sealed) {
      const [version, iv, tag, ciphertext] = sealed.split(':')
      if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined) {
        throw new Error('unreadable sealed secret')
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'))
      decipher.setAuthTag(Buffer.from(tag, 'base64'))
      try {
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8')
      } catch (err) {
        throw new Error('cannot decrypt a merchant secret key: SECRET_ENCRYPTION_KEY (or the key file under DATA_DIR) is not the key it was encrypted with', { cause: err })
      }
    }
  }
}
