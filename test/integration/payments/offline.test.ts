import t from 'tap'
import { createTestApp } from '../../helpers/app.js'
import { assertNoSecrets, demoMerchant, history, orderPaidWith, RETURN_URL } from '../../helpers/payments.js'

const IBAN = 'DE89370400440532013000'
const ACH_ACCOUNT = '987654321'

t.test('offline methods: PENDING with payment instructions until the merchant marks them paid', async (t) => {
  const ta = await createTestApp(t)
  const m = await demoMerchant(ta)
  const paid = async (refNo: string) => await ta.rpc('markOrderPaid', [m.sessionId, refNo])

  const brazil = { BillingDetails: { FirstName: 'João', LastName: 'Silva', CountryCode: 'br', State: 'SP', City: 'São Paulo', Address1: 'Av. Paulista 1000', Zip: '01310-100', Email: 'joao@example.com', Phone: '+55 11 3000-0000', FiscalCode: '52998224725' } }
  const cases: Array<{ type: string, method: unknown, instructions: Record<string, unknown>, overrides?: Record<string, unknown> }> = [
    { type: 'WIRE', method: null, instructions: { Amount: 99, Currency: 'usd', PaymentReference: /^WIRE-[0-9A-F]{10}$/, BankAccounts: [{ Bank: String, SwiftCode: String, AccountHolder: String }] } },
    { type: 'CHECK', method: {}, instructions: { Amount: 99, Currency: 'usd', PaymentReference: /^CHECK-/, PayableTo: String, MailingAddress: String } },
    { type: 'BOLETO', method: { ReturnURL: RETURN_URL }, instructions: { Amount: 99, PaymentReference: /^BOLETO-/, BoletoNumber: /^\d{47}$/, DueDate: '2026-11-26' }, overrides: brazil },
    { type: 'DIRECTDEBIT', method: { DirectDebit: { FirstName: 'John', LastName: 'Doe', Iban: 'DE89 3704 0044 0532 0130 00', Swift: 'COBADEFFXXX' } }, instructions: { Iban: 'DE89**************3000', Swift: 'COBADEFFXXX', MandateReference: /^SBXM-SEPA-/ } },
    { type: 'DIRECT_DEBIT_ACH', method: { DIRECT_DEBIT_ACH: { AccountHolderName: 'John Doe', BankRoutingNumber: '011000015', AccountNumber: ACH_ACCOUNT, AccountType: 'C' } }, instructions: { AccountNumber: '*****4321', AccountType: 'C', MandateReference: /^SBXM-ACH-/ } }
  ]

  for (const c of cases) {
    t.test(`${c.type}: instructions in the answer; markOrderPaid → COMPLETE with OrderNo; a second markOrderPaid is ORDER_STATUS_INVALID`, async (t) => {
      const placed = await ta.rpc('placeOrder', [m.sessionId, orderPaidWith(c.type, c.method, c.overrides)])
      t.notOk(placed.error, JSON.stringify(placed.error))
      t.match(placed.result, { Status: 'PENDING', OrderNo: 0, Errors: null, PaymentDetails: { Type: c.type, PaymentMethod: c.instructions } })
      t.same((await ta.rpc('getOrder', [m.sessionId, placed.result.RefNo])).result, placed.result, 'getOrder shows the same instructions')
      t.equal((await ta.rpc('isValidOrderReference', [m.sessionId, placed.result.RefNo])).result, false)

      ta.clock.advance(300_000)
      const done = await paid(placed.result.RefNo)
      ta.clock.advance(-300_000)
      t.notOk(done.error, JSON.stringify(done.error))
      t.match(done.result, { Status: 'COMPLETE', ApproveStatus: 'OK', FinishDate: '2026-11-23 10:05:00', PaymentDetails: { PaymentMethod: c.instructions } })
      t.ok(done.result.OrderNo > 0)
      const again = await paid(placed.result.RefNo)
      t.match(again.error, { code: 55201, data: { error_code: 'ORDER_STATUS_INVALID', fields: [{ path: 'RefNo' }] } })
      t.same(await history(ta, placed.result.RefNo), ['-→PENDING PLACED', 'PENDING→COMPLETE PAYMENT_RECEIVED'])
    })
  }

  t.test('an invalid IBAN or ACH account number is -32602 and is not echoed', async (t) => {
    const badIban = await ta.rpc('placeOrder', [m.sessionId, orderPaidWith('DIRECTDEBIT', { FirstName: 'J', LastName: 'D', Iban: 'DE89370400440532013001' })])
    t.match(badIban.error, { code: -32602, data: { fields: [{ path: 'PaymentDetails.PaymentMethod.Iban' }] } })
    t.notOk(JSON.stringify(badIban).includes('DE89370400440532013001'))
    const badAch = await ta.rpc('placeOrder', [m.sessionId, orderPaidWith('DIRECT_DEBIT_ACH', { AccountHolderName: 'J D', BankRoutingNumber: '011000015', AccountNumber: '12345', AccountType: 'C' })])
    t.match(badAch.error, { code: -32602, data: { fields: [{ path: 'PaymentDetails.PaymentMethod.AccountNumber' }] } })
  })

  t.test('markOrderPaid refuses a card order, an unknown RefNo and another merchant\'s order', async (t) => {
    const card = await ta.rpc('placeOrder', [m.sessionId, orderPaidWith('TEST', { CardNumber: '4111111111111111', CardType: 'visa', ExpirationYear: '2030', ExpirationMonth: '12', HolderName: 'John Doe', CCID: '123', Vendor3DSReturnURL: RETURN_URL, Vendor3DSCancelURL: RETURN_URL })])
    t.match((await paid(card.result.RefNo)).error, { data: { error_code: 'ORDER_STATUS_INVALID' } })
    t.match((await paid('999999999')).error, { code: 55201, data: { error_code: 'ORDER_NOT_FOUND' } })
    const other = await demoMerchant(ta)
    const wire = await ta.rpc('placeOrder', [m.sessionId, orderPaidWith('WIRE', null)])
    t.match((await ta.rpc('markOrderPaid', [other.sessionId, wire.result.RefNo])).error, { data: { error_code: 'ORDER_NOT_FOUND' } })
    t.equal((await ta.rpc('getOrder', [m.sessionId, wire.result.RefNo])).result.Status, 'PENDING')
  })

  t.test('no full IBAN or account number in the database or the logs', async (t) => {
    await assertNoSecrets(t, ta, [IBAN, 'DE89 3704 0044 0532 0130 00', 'DE89370400440532013001', ACH_ACCOUNT, '4111111111111111'])
  })
})
