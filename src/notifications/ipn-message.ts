// TODO(stub): placeholder until h/ipn-message is merged (its file replaces this one); same signatures.
import { createHmac, timingSafeEqual } from 'node:crypto'

export type IpnField = [name: string, value: string]
export type IpnAlgorithm = 'md5' | 'sha256' | 'sha3-256'
export type IpnSource = { refNo: bigint, change: { eventId: bigint, event: string, at: Date, toStatus: string } }

const pad = (n: number) => String(n).padStart(2, '0')
const ipnDate = (d: Date) => `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
const lengthPrefixed = (values: string[]) => values.map((v) => `${Buffer.byteLength(v)}${v}`).join('')
const hmac = (algorithm: IpnAlgorithm, secret: string, text: string) => createHmac(algorithm === 'sha3-256' ? 'sha3-256' : algorithm, secret).update(text).digest('hex')
const value = (fields: readonly IpnField[], name: string) => fields.find(([n]) => n === name)?.[1] ?? ''

export function buildIpnFields (source: IpnSource, date: Date): IpnField[] {
  return [['REFNO', String(source.refNo)], ['ORDERSTATUS', source.change.toStatus], ['IPN_PID[]', '1'], ['IPN_PNAME[]', 'x'], ['IPN_DATE', ipnDate(date)]]
}

export function signIpn (fields: readonly IpnField[], secret: string): IpnField[] {
  const text = lengthPrefixed(fields.map(([, v]) => v))
  return [...fields, ['HASH', hmac('md5', secret, text)], ['SIGNATURE_SHA2_256', hmac('sha256', secret, text)], ['SIGNATURE_SHA3_256', hmac('sha3-256', secret, text)]]
}

export function encodeIpnForm (fields: readonly IpnField[]): string {
  return fields.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&')
}

export function readReceiptFor (fields: readonly IpnField[], secret: string, algorithm: IpnAlgorithm, date: string): string {
  const text = lengthPrefixed([value(fields, 'IPN_PID[]'), value(fields, 'IPN_PNAME[]'), value(fields, 'IPN_DATE'), date])
  return `<EPAYMENT>${date}|${hmac(algorithm, secret, text)}</EPAYMENT>`
}

export function checkReadReceipt (body: string, fields: readonly IpnField[], secret: string, algorithm: IpnAlgorithm): { valid: boolean, reason?: string } {
  const match = /<EPAYMENT>(\d{14})\|([0-9a-f]+)<\/EPAYMENT>/.exec(body)
  if (match === null) return { valid: false, reason: 'no <EPAYMENT> read receipt' }
  const expected = Buffer.from(readReceiptFor(fields, secret, algorithm, match[1] ?? ''))
  const got = Buffer.from(match[0])
  return expected.length === got.length && timingSafeEqual(expected, got) ? { valid: true } : { valid: false, reason: 'read receipt hash mismatch' }
}
