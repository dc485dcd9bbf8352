/**
 * The order a call-centre user is building, and the 2Checkout Order it becomes for `quote` and
 * `placeOrder`. Pure (no DOM): the page edits a Draft, this module turns it into the wire form.
 */

export type Address = {
  FirstName: string
  LastName: string
  Company?: string | null
  Address1: string
  Address2?: string | null
  City: string
  State?: string | null
  Zip: string
  CountryCode: string
  Phone?: string | null
  Email?: string | null
}

export type BookAddress = Address & { AddressId: number, Label?: string | null }

export type StoredCard = { CardType: string, FirstDigits: string, LastDigits: string, ExpirationMonth: string | null, ExpirationYear: string | null, HolderName: string }

export type Customer = {
  CustomerId: number
  CustomerReference: number | null
  FirstName: string
  LastName: string
  Email: string
  Company: string | null
  Phone: string | null
  B2B: boolean
  FraudReview: boolean
  Level?: { Code: string, Name: string, PercentOff: number } | null
  Addresses?: BookAddress[]
  StoredCards?: StoredCard[]
  StoreCredit?: Array<{ Currency: string, Balance: number }>
}

export const DISCOUNT_TYPES = ['AMOUNT', 'PERCENT', 'UNIT_PRICE'] as const
export type DiscountType = typeof DISCOUNT_TYPES[number]
/** Value: an amount in the order currency (AMOUNT, UNIT_PRICE) or a percentage (PERCENT). */
export type Discount = { Type: DiscountType, Value: number, Reason: string }

export type Stock = { onHand: number, reserved: number, backorderLimit: number, available: number }

/** A product's price-option group (the catalog's PriceOptionGroups); modifiers are decimals per currency. */
export type PriceOptionGroup = {
  Code: string
  Name: string
  Required: boolean
  Options: Array<{ Code: string, Name: string, Modifiers: Record<string, number> }>
}

export type CartLine = {
  code: string
  name: string
  quantity: number
  physical: boolean
  stock: Stock | null
  discount?: Discount | undefined
  /** the product's groups, so the cart can offer them (absent on lines saved before price options) */
  optionGroups?: PriceOptionGroup[]
  /** group code → the option code chosen; a group left out has no option (the catalog's default) */
  options?: Record<string, string>
}

/** The option codes a line sends as Items[].PriceOptions, in the order of the product's groups. */
export function chosenPriceOptions (line: Pick<CartLine, 'optionGroups' | 'options'>): string[] {
  const chosen = line.options ?? {}
  return (line.optionGroups ?? []).flatMap((group) => {
    const code = chosen[group.Code]
    return code !== undefined && code !== '' && group.Options.some((option) => option.Code === code) ? [code] : []
  })
}

/** A new line's choices: a required group starts on its first option, an optional one on none. */
export function defaultPriceOptions (groups: PriceOptionGroup[]): Record<string, string> {
  return Object.fromEntries(groups.flatMap((group) => group.Required && group.Options[0] !== undefined ? [[group.Code, group.Options[0].Code]] : []))
}

/**
 * A custom (non-catalog) line (Assisted.CustomItems): its name, unit net price (a decimal in the
 * order currency, as given) and tax class; added and removed only with CUSTOM_LINE_ITEMS, kept as
 * they are by everyone else.
 */
export type CustomLine = { name: string, price: number | string, quantity: number, taxClass: 'STANDARD' | 'EXEMPT', discount?: Discount | null | undefined }

export type NewCard = { HolderName: string, CardNumber: string, CardType: string, ExpirationMonth: string, ExpirationYear: string, CCID: string }

export type Payment =
  | { kind: 'STORED_CARD', TransientToken?: string }
  | { kind: 'NEW_CARD', card: NewCard, /** the customer agreed to keep the card on file (Assisted.CardConsent) */ keepCard?: boolean }
  | { kind: 'CHECK' }
  | { kind: 'PURCHASE_ORDER', InternalPONumber: string, AutoApprove: boolean }
  | { kind: 'NOT_REQUIRED', OriginalRefNo: string, Reason: string }

export type Draft = {
  customer: Customer | null
  lines: CartLine[]
  /** Assisted.CustomItems, after the catalog lines (absent on orders saved before custom lines) */
  customLines?: CustomLine[] | undefined
  currency: string
  billing: Address
  /** null: ship to the billing address */
  delivery: Address | null
  shippingMethod: string
  coupons: string[]
  orderDiscount?: Discount | undefined
  /** a supervisor's approval of discounts above the user's limit (Assisted.Approval): kept in memory only */
  approval?: Approval | undefined
  payment: Payment
}

/** A supervisor's credentials for Assisted.Approval; never saved, never logged. */
export type Approval = { Username: string, Password: string }

export type ReturnUrls = { Vendor3DSReturnURL: string, Vendor3DSCancelURL: string }

/** The quantity warning of seed 001: more than on hand + backorder limit cannot be ordered. */
export function stockWarning (line: Pick<CartLine, 'quantity' | 'stock'>): string | undefined {
  const stock = line.stock
  if (stock === null) return undefined
  if (line.quantity <= stock.available) {
    const onHandLeft = stock.onHand - stock.reserved
    return line.quantity > onHandLeft ? `${line.quantity - Math.max(0, onHandLeft)} of these will be backordered` : undefined
  }
  return `Only ${stock.available} can be ordered (on hand ${stock.onHand - stock.reserved} + backorder limit ${stock.backorderLimit})`
}

/** The card brand 2Checkout's CardType expects, told from the number where it can be. */
export function detectCardType (number: string): string | undefined {
  const digits = number.replace(/[\s-]/g, '')
  if (/^4/.test(digits)) return 'visa'
  if (/^(5[1-5]|2[2-7])/.test(digits)) return 'mastercard'
  if (/^3[47]/.test(digits)) return 'amex'
  if (/^(6011|65|64[4-9])/.test(digits)) return 'discover'
  if (/^35/.test(digits)) return 'jcb'
  return undefined
}

const blankToUndefined = (value: string | null | undefined): string | undefined => {
  const trimmed = value?.trim() ?? ''
  return trimmed === '' ? undefined : trimmed
}

function wireAddress (address: Address, email: string | undefined): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    FirstName: address.FirstName.trim(),
    LastName: address.LastName.trim(),
    Address1: address.Address1.trim(),
    City: address.City.trim(),
    Zip: address.Zip.trim(),
    CountryCode: address.CountryCode.trim()
  }
  const optional = { Company: address.Company, Address2: address.Address2, State: address.State, Phone: address.Phone, Email: email ?? address.Email }
  for (const [key, value] of Object.entries(optional)) {
    const kept = blankToUndefined(value)
    if (kept !== undefined) wire[key] = kept
  }
  return wire
}

/** PaymentDetails for the chosen way to pay. */
export function paymentDetails (draft: Pick<Draft, 'payment' | 'currency'>, urls: ReturnUrls): Record<string, unknown> {
  const payment = draft.payment
  const base = { Currency: draft.currency }
  switch (payment.kind) {
    case 'STORED_CARD':
      return { ...base, Type: 'EXISTING_PAYMENT_DATA', PaymentMethod: { TransientToken: payment.TransientToken ?? '', ...urls } }
    case 'NEW_CARD':
      return {
        ...base,
        Type: 'CC',
        PaymentMethod: {
          ...payment.card,
          CardNumber: payment.card.CardNumber.replace(/[\s-]/g, ''),
          HolderName: payment.card.HolderName.trim(),
          ...urls
        }
      }
    case 'CHECK':
      return { ...base, Type: 'CHECK', PaymentMethod: null }
    case 'PURCHASE_ORDER':
      return { ...base, Type: 'PURCHASEORDER', PaymentMethod: { InternalPONumber: payment.InternalPONumber.trim(), AutoApprove: payment.AutoApprove } }
    case 'NOT_REQUIRED':
      return { ...base, Type: 'FREE', PaymentMethod: null }
  }
}

export type AssistedCall = { Order: Record<string, unknown>, Assisted: Record<string, unknown> }

/**
 * The params of `placeAssistedOrder` (and `quote`): the 2Checkout Order, and beside it what the
 * staff member adds (`Assisted`): the customer, line and order-total discounts, payment not
 * required for a replacement.
 */
export function buildOrder (draft: Draft, urls: ReturnUrls): AssistedCall {
  const physical = draft.lines.some((line) => line.physical)
  const customer = draft.customer
  const order: Record<string, unknown> = {
    Currency: draft.currency,
    Country: draft.billing.CountryCode.trim(),
    Language: 'en',
    Source: 'ordergate-console',
    ExtraInformation: { AssistedSale: true },
    Items: draft.lines.map((line) => {
      const options = chosenPriceOptions(line)
      return options.length > 0 ? { Code: line.code, Quantity: line.quantity, PriceOptions: options } : { Code: line.code, Quantity: line.quantity }
    }),
    BillingDetails: wireAddress(draft.billing, customer?.Email),
    DeliveryDetails: physical ? wireAddress(draft.delivery ?? draft.billing, undefined) : null,
    PaymentDetails: paymentDetails(draft, urls)
  }
  if (physical && draft.shippingMethod !== '') order.DeliveryInformation = { ShippingMethod: { Code: draft.shippingMethod } }
  if (draft.coupons.length > 0) order.Promotions = [...draft.coupons]

  const assisted: Record<string, unknown> = {}
  if (customer !== null) assisted.CustomerId = customer.CustomerId
  if (draft.lines.some((line) => line.discount !== undefined)) {
    assisted.Items = draft.lines.map((line) => (line.discount === undefined ? null : { Discount: line.discount }))
  }
  const custom = draft.customLines ?? []
  if (custom.length > 0) {
    assisted.CustomItems = custom.map((line) => ({
      Name: line.name,
      Price: line.price,
      Quantity: line.quantity,
      TaxClass: line.taxClass,
      ...(line.discount != null ? { Discount: line.discount } : {})
    }))
  }
  if (draft.orderDiscount !== undefined) assisted.Discount = draft.orderDiscount
  if (draft.approval !== undefined) assisted.Approval = { ...draft.approval }
  // The agent asked the customer: the card is kept for later orders only with their consent, and
  // the answer (yes or no) is recorded in the order's history.
  if (draft.payment.kind === 'NEW_CARD') assisted.CardConsent = { Given: draft.payment.keepCard === true }
  if (draft.payment.kind === 'NOT_REQUIRED') {
    assisted.PaymentNotRequired = { OriginalRefNo: draft.payment.OriginalRefNo.trim(), Reason: draft.payment.Reason.trim() }
  }
  return { Order: order, Assisted: assisted }
}

/** Why the totals cannot be quoted yet, or undefined when they can. */
export function notQuotableYet (draft: Draft): string | undefined {
  if (draft.customer === null) return 'Choose a customer and add products to see the totals.'
  if (draft.lines.length === 0) return 'Add products to see the totals.'
  if (!/^[A-Za-z]{2}$/.test(draft.billing.CountryCode.trim())) return 'Enter the billing country to see the totals (tax depends on it).'
  return undefined
}

/**
 * The params for a live `quote` while the order is still being built. The price depends on the
 * cart, the customer, the currency, the coupons, the discounts, the shipping method and the
 * billing country, never on the street address or on how the customer pays; so address lines
 * not typed yet are sent as "-", and a card or purchase order not filled in yet is quoted as a
 * CHECK (a type that needs no details). placeOrder itself always gets exactly what was entered.
 */
export function buildQuote (draft: Draft, urls: ReturnUrls): AssistedCall {
  const fill = (address: Address): Address => ({
    ...address,
    FirstName: address.FirstName.trim() !== '' ? address.FirstName : draft.customer?.FirstName ?? '-',
    LastName: address.LastName.trim() !== '' ? address.LastName : draft.customer?.LastName ?? '-',
    Address1: address.Address1.trim() !== '' ? address.Address1 : '-',
    City: address.City.trim() !== '' ? address.City : '-',
    Zip: address.Zip.trim() !== '' ? address.Zip : '-'
  })
  const replacement = draft.payment.kind === 'NOT_REQUIRED' && draft.payment.OriginalRefNo.trim() !== '' && draft.payment.Reason.trim() !== ''
  const payment: Payment = replacement ? draft.payment : { kind: 'CHECK' }
  return buildOrder({ ...draft, billing: fill(draft.billing), delivery: draft.delivery === null ? null : fill(draft.delivery), payment }, urls)
}
