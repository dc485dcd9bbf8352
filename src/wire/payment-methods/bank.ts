// Bank payments: iDEAL, SEPA direct debit (DIRECTDEBIT) and US ACH (DIRECT_DEBIT_ACH).
import { z } from 'zod'
import { compactIban, ibanValid, idealBankCodeValid, swiftValid } from '../field-checks.js'
import { caseInsensitiveEnum, checkedStr, httpUrl, opt, reqStr } from '../field-schemas.js'
import { paymentMethodInput } from './method-input.js'

export const IdealPaymentMethodSchema = z.preprocess(paymentMethodInput('IDEAL'), z.object({
  BankCode: checkedStr(16, idealBankCodeValid, 'IDEAL_BANK_CODE_INVALID').transform((v) => v.toUpperCase()),
  ReturnURL: httpUrl(),
  CancelURL: httpUrl()
}))

export const DirectDebitPaymentMethodSchema = z.preprocess(paymentMethodInput('DIRECTDEBIT'), z.object({
  FirstName: reqStr(255),
  LastName: reqStr(255),
  // Spaces of the printed form are allowed; the output is the compact upper-case IBAN.
  Iban: checkedStr(64, ibanValid, 'IBAN_INVALID').transform(compactIban),
  Swift: opt(checkedStr(11, swiftValid, 'SWIFT_INVALID').transform((v) => v.toUpperCase()))
}))

export const DirectDebitAchPaymentMethodSchema = z.preprocess(paymentMethodInput('DIRECT_DEBIT_ACH'), z.object({
  AccountHolderName: reqStr(255),
  BankRoutingNumber: checkedStr(17, (v) => /^\d{1,17}$/.test(v), 'ACH_ROUTING_NUMBER_INVALID'),
  AccountNumber: checkedStr(9, (v) => /^\d{9}$/.test(v), 'ACH_ACCOUNT_NUMBER_INVALID'),
  AccountType: caseInsensitiveEnum(['S', 'C'], 'ACH_ACCOUNT_TYPE_INVALID')
}))

export type IdealPaymentMethod = z.output<typeof IdealPaymentMethodSchema>
export type DirectDebitPaymentMethod = z.output<typeof DirectDebitPaymentMethodSchema>
export type DirectDebitAchPaymentMethod = z.output<typeof DirectDebitAchPaymentMethodSchema>
