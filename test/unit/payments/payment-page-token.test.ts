import t from 'tap'
import { derivePageKey, newPaymentPage, openPageTokens, pageToken, saltOfToken } from '../../../src/payments/payment-page-token.js'

const KEY = derivePageKey(Buffer.alloc(32, 7))
const NOW = new Date('2026-12-01T12:00:00Z')

t.test('a page token is its salt and a 128-bit MAC: recomputed from the salt, refused for another kind, key or any changed character', async (t) => {
  const { page, sealed } = newPaymentPage(NOW, '3DS', 'https://m.example/ok', 'https://m.example/no')
  t.match(page, { salt: /^[\w-]{22}$/, returnUrl: 'https://m.example/ok', cancelUrl: 'https://m.example/no', expiresAt: '2026-12-01T12:30:00.000Z' })
  t.notOk('token' in page, 'the page keeps no token')
  t.equal(sealed, `page-token.3DS.${String(page.salt)}`)
  const token = pageToken(KEY, '3DS', String(page.salt))
  t.match(token, /^[\w-]{43}$/)
  t.equal(pageToken(KEY, '3DS', String(page.salt)), token, 'the same token every time')
  t.equal(saltOfToken(KEY, '3DS', token), page.salt)
  t.equal(saltOfToken(KEY, 'REDIRECT', token), undefined, 'not a redirect page token')
  t.equal(saltOfToken(derivePageKey(Buffer.alloc(32, 8)), '3DS', token), undefined, 'not with another key')
  t.equal(saltOfToken(KEY, '3DS', token.slice(0, 30) + (token[30] === 'A' ? 'B' : 'A') + token.slice(31)), undefined, 'not with a changed MAC')
  t.equal(saltOfToken(KEY, '3DS', `${String(page.salt)}${'A'.repeat(21)}`), undefined, 'not a made-up MAC')
  // The last character holds 2 unused bits: each of its 3 other spellings decodes to the same bytes.
  const last = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(token.slice(-1))
  for (const low of [0, 1, 2, 3].filter((bits) => bits !== (last & 3))) {
    const spelling = token.slice(0, -1) + 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.charAt((last & ~3) | low)
    t.equal(saltOfToken(KEY, '3DS', spelling), undefined, `not another spelling of the same bytes (${spelling.slice(-1)} for ${token.slice(-1)})`)
  }
  t.not(newPaymentPage(NOW, '3DS', 'a', 'b').page.salt, page.salt, 'every page its own salt')
})

t.test('openPageTokens opens Authorize3DS.Params.avng8apitoken and RedirectURL only, leaving every other field as it is', async (t) => {
  const three = newPaymentPage(NOW, '3DS', 'a', 'b')
  const redirect = newPaymentPage(NOW, 'REDIRECT', 'a', 'b')
  const answer = {
    RefNo: '1',
    ExternalReference: three.sealed,
    PaymentDetails: {
      Type: 'CC',
      PaymentMethod: {
        HolderName: three.sealed,
        Authorize3DS: { Href: 'http://h/sandbox/3ds', Method: 'GET', Params: { avng8apitoken: three.sealed } },
        RedirectURL: `http://h/sandbox/redirect?token=${redirect.sealed}`,
        ReturnURL: `http://m/?token=${redirect.sealed}`
      }
    }
  }
  t.same(openPageTokens(KEY, answer), {
    ...answer,
    PaymentDetails: {
      Type: 'CC',
      PaymentMethod: {
        ...answer.PaymentDetails.PaymentMethod,
        Authorize3DS: { Href: 'http://h/sandbox/3ds', Method: 'GET', Params: { avng8apitoken: pageToken(KEY, '3DS', String(three.page.salt)) } },
        RedirectURL: `http://h/sandbox/redirect?token=${pageToken(KEY, 'REDIRECT', String(redirect.page.salt))}`
      }
    }
  })
  const crossed = { PaymentDetails: { PaymentMethod: { Authorize3DS: { Params: { avng8apitoken: redirect.sealed } }, RedirectURL: `http://h/sandbox/redirect?token=${three.sealed}` } } }
  t.same(openPageTokens(KEY, crossed), crossed, 'a sealed token of the other kind is not opened')
  t.same(openPageTokens(KEY, { RefNo: '2', PaymentDetails: { PaymentMethod: null } }), { RefNo: '2', PaymentDetails: { PaymentMethod: null } }, 'an order without a payment method')
  t.equal(openPageTokens(KEY, null), null)
})
