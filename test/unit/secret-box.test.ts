import t from 'tap'
import { createSecretBox, parseEncryptionKey } from '../../src/auth/secret-box.js'

t.test('a sealed secret opens with its key and says plainly when the key is another one', async (t) => {
  const box = createSecretBox(Buffer.alloc(32, 1))
  const sealed = box.seal('merchant-secret-key')
  t.notOk(sealed.includes('merchant-secret-key'))
  t.equal(box.open(sealed), 'merchant-secret-key')
  t.not(box.seal('merchant-secret-key'), sealed, 'a fresh IV every time')
  t.throws(() => createSecretBox(Buffer.alloc(32, 2)).open(sealed), /SECRET_ENCRYPTION_KEY .* is not the key it was encrypted with/)
  const [version, iv, tag, ciphertext] = sealed.split(':') as [string, string, string, string]
  const flipped = (ciphertext.startsWith('A') ? 'B' : 'A') + ciphertext.slice(1)
  t.throws(() => box.open([version, iv, tag, flipped].join(':')), /not the key/, 'tampering is detected')
  t.same(parseEncryptionKey('ab'.repeat(32)), Buffer.alloc(32, 0xab))
  t.throws(() => parseEncryptionKey('short'), /32 bytes/)
})
