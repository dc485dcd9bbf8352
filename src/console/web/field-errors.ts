/**
 * Where an API error belongs on the page. The API names each problem with a path in the Order
 * (`data.fields[].path`, e.g. `Assisted.Items.0.Discount.Value`); inputs carry the path they edit in
 * `data-path`. An error goes beside the input of its path, else of the nearest enclosing path
 * that has one (`BillingDetails.Zip` → the billing address picker), else to the form's summary.
 * Pure (no DOM), so the unit tests run it under Node.
 */

export type FieldProblem = { path: string, error_code?: string, message: string }

// Seed 002 nests a payment type's fields in a named sub-object; the page edits them flat.
const PAYMENT_SUB_OBJECTS = /^PaymentDetails\.PaymentMethod\.(CardPayment|PurchaseOrderPaymentDetails|PreviousOrder|ExistingPaymentData)\./

/** `Order.Items[0].Code`, `/Items/0/Code` and `Items.0.Code` all become `Items.0.Code`. */
export function normaliseErrorPath (path: string): string {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\//g, '.')
    .replace(/^\.+/, '')
    .replace(/^(params\.)?Order\./, '')
    .replace(PAYMENT_SUB_OBJECTS, 'PaymentDetails.PaymentMethod.')
}

/** The known input path an error path belongs to: itself or its nearest ancestor; undefined if none. */
export function fieldForPath (path: string, known: ReadonlySet<string>): string | undefined {
  let candidate = normaliseErrorPath(path)
  for (;;) {
    if (known.has(candidate)) return candidate
    const cut = candidate.lastIndexOf('.')
    if (cut < 0) return undefined
    candidate = candidate.slice(0, cut)
  }
}

/** Problems grouped by the input they belong to; the rest (no input on the page) under ''. */
export function placeProblems (problems: readonly FieldProblem[], known: ReadonlySet<string>): Map<string, FieldProblem[]> {
  const placed = new Map<string, FieldProblem[]>()
  for (const problem of problems) {
    const key = fieldForPath(problem.path, known) ?? ''
    placed.set(key, [...(placed.get(key) ?? []), problem])
  }
  return placed
}

// ---------------------------------------------------------------- the agent's words

/** What the agent calls each field the API names (its last path segments). */
const FIELD_NAMES: Record<string, string> = {
  FirstName: 'first name',
  LastName: 'last name',
  Company: 'company',
  Address1: 'address',
  Address2: 'second address line',
  City: 'city',
  State: 'state',
  Zip: 'ZIP or postcode',
  CountryCode: 'country',
  Phone: 'phone number',
  Email: 'e-mail address',
  FiscalCode: 'tax id',
  HolderName: 'name on the card',
  CardNumber: 'card number',
  CardType: 'card type',
  ExpirationMonth: 'expiry month',
  ExpirationYear: 'expiry year',
  CCID: 'security code',
  TransientToken: 'stored card',
  InternalPONumber: 'PO number',
  OriginalRefNo: 'original order number',
  Quantity: 'quantity',
  Currency: 'currency',
  Promotions: 'coupon code',
  'Discount.Type': 'discount type',
  'Discount.Value': 'discount value',
  'Discount.Reason': 'discount reason',
  'PaymentNotRequired.Reason': 'replacement reason',
  PaymentNotRequired: 'replacement',
  'ShippingMethod.Code': 'shipping method',
  CustomerReference: 'customer reference',
  merchantCode: 'merchant code',
  username: 'username',
  password: 'password'
}

/** The field's name for a path: `BillingDetails.City` → "city", `Assisted.Items.0.Discount.Value` → "discount value". */
export function fieldName (path: string): string {
  const parts = normaliseErrorPath(path).split('.').filter((part) => !/^\d+$/.test(part))
  const two = parts.slice(-2).join('.')
  return FIELD_NAMES[two] ?? FIELD_NAMES[parts[parts.length - 1] ?? ''] ?? 'value'
}

/**
 * Messages by the API's stable error_code, in the agent's words (codes stay, API wording may change);
 * undefined: this code has no wording of its own for that field, so the API's message is read as
 * for a code the page does not know.
 */
const BY_CODE: Record<string, (field: string, message: string) => string | undefined> = {
  FIELD_REQUIRED: (field) => `Enter the ${field}.`,
  FIELD_TOO_LONG: (field) => `The ${field} is too long: shorten it.`,
  FIELD_INVALID: (field) => `Check the ${field}: it is not valid.`,
  FIELD_TYPE_INVALID: (field) => `Check the ${field}: it is not valid.`,
  CARD_NUMBER_IN_TEXT: () => 'Do not type a card number here: card numbers go only in the card number field.',
  ORDER_PRODUCTS_EMPTY: () => 'Add at least one product to the cart.',
  ORDER_ITEMS_QUANTITY_INVALID: (_field, message) => {
    const left = /^only (\d+) of /.exec(message)?.[1]
    return left === undefined ? 'Enter a whole number from 1 to 10,000.' : `Lower the quantity: only ${left} can be ordered.`
  },
  ORDER_CURRENCY_INVALID: () => 'Choose a billing currency.',
  BILLING_COUNTRY_INVALID: () => 'Enter the country as two letters, e.g. US.',
  DELIVERY_COUNTRY_INVALID: () => 'Enter the country as two letters, e.g. US.',
  BILLING_STATE_REQUIRED: () => 'Enter the state: this country needs one.',
  DELIVERY_STATE_REQUIRED: () => 'Enter the state: this country needs one.',
  BILLING_STATE_INVALID: () => 'This is not a state of the country entered: check both.',
  DELIVERY_STATE_INVALID: () => 'This is not a state of the country entered: check both.',
  BILLING_PHONE_REQUIRED: () => 'Enter a phone number: it is needed for Brazil.',
  DELIVERY_PHONE_REQUIRED: () => 'Enter a phone number: it is needed for Brazil.',
  BILLING_EMAIL_INVALID: () => 'Check the e-mail address: it is not valid.',
  DELIVERY_EMAIL_INVALID: () => 'Check the e-mail address: it is not valid.',
  EMAIL_INVALID: () => 'Check the e-mail address: it is not valid.',
  BILLING_FISCAL_CODE_REQUIRED: () => 'Enter the customer\'s tax id: it is needed for this country or company.',
  BILLING_FISCAL_CODE_INVALID: () => 'Check the tax id: it is not valid.',
  BILLING_COMPANY_REQUIRED: () => 'Enter the company name.',
  PAYMENT_TYPE_COUNTRY_INVALID: () => 'This way to pay is not available in the billing country: choose another.',
  PAYMENT_METHOD_REQUIRED: () => 'Fill in the payment details.',
  CARD_NUMBER_INVALID: () => 'This card number is not valid: check the digits with the customer.',
  CARD_TYPE_INVALID: () => 'Choose the card type.',
  CARD_TYPE_MISMATCH: () => 'The card type does not match the card number: choose "(from the number)" or the right type.',
  CARD_EXPIRATION_INVALID: () => 'Check the expiry date: month 01-12 and a four-digit year.',
  CARD_EXPIRED: () => 'This card has expired: ask for another card.',
  CARD_CCID_INVALID: () => 'The security code is 3 digits (4 on American Express).',
  PURCHASE_ORDER_NUMBER_INVALID: () => 'Enter the PO number (up to 100 characters).',
  PREVIOUS_ORDER_REFNO_INVALID: () => 'Enter the order number (digits only).',
  ORDER_NOT_FOUND: (field, message) => {
    if (field !== 'original order number') return undefined
    const refNo = /\bno order (\S+)/.exec(message)?.[1]
    return `There is no order ${refNo ?? 'with this number'} to replace: check the original order's number.`
  },
  // "above the AGENT limit MaxLinePercent of 10 %" (or "of 15.00 USD"): the limit, and who can lift it
  DISCOUNT_LIMIT_EXCEEDED: (_field, message) => {
    const limit = /\blimit (Max(Line|Order)(Percent|Amount)) of (.+)$/.exec(message)
    if (limit === null) return 'Above your discount limit: a supervisor can approve it.'
    return `Above your limit of ${limit[4] ?? ''} for ${limit[2] === 'Line' ? 'a line' : 'an order'} discount: a supervisor can approve it.`
  },
  DISCOUNT_APPROVAL_FAILED: (_field, message) => {
    if (/\bAPPROVE_DISCOUNTS\b/.test(message)) return 'This user may not approve discounts: ask a supervisor.'
    if (/another user/.test(message)) return 'You cannot approve your own discount: ask a supervisor.'
    return 'The supervisor\'s username or password is wrong: ask them to type it again (each wrong try counts as a failed sign-in of theirs).'
  },
  // completeDraft names PaymentNotRequired when the user lacks REPLACEMENT_ORDERS (taken away since sign-in)
  NOT_ALLOWED: (field) => field === 'replacement' ? 'Only a user with the replacement orders privilege may place a replacement: ask a supervisor, or choose another way to pay.' : undefined
}

// The API's own wording, recognised when a problem comes without a code the page knows.
const API_REQUIRED = /\bis required\b|^Required$|expected [a-z]+, received (undefined|null)|must not be empty/i
const API_TOO_LONG = /too (big|long)|at most \d+ character/i
const RAW_WORDING = /^Invalid|expected|received|Too (small|big)|[A-Z][A-Za-z]+\.[A-Z][A-Za-z.]*/

/**
 * One problem in the agent's words: by its error_code where the page knows it; else the API's
 * message recognised ("… is required", Zod's "expected string, received undefined") and
 * reworded; else, if it still reads like the API (a dotted field path, Zod's text), a plain
 * "Check the …"; a message already in plain words (the page's own checks) stays.
 */
export function agentMessage (problem: FieldProblem): string {
  const field = fieldName(problem.path)
  const byCode = problem.error_code !== undefined ? BY_CODE[problem.error_code]?.(field, problem.message) : undefined
  if (byCode !== undefined) return byCode
  if (API_REQUIRED.test(problem.message)) return `Enter the ${field}.`
  if (API_TOO_LONG.test(problem.message)) return `The ${field} is too long: shorten it.`
  if (RAW_WORDING.test(problem.message)) return `Check the ${field}: it is not valid.`
  return problem.message
}

/**
 * The messages to show: one per field (the first problem of each; the API may name a field twice,
 * e.g. a missing US State by the shape and by the state rule), each in the agent's words.
 */
export function agentMessages (problems: readonly FieldProblem[], known: ReadonlySet<string>): Map<string, string> {
  const shown = new Map<string, string>()
  for (const [path, list] of placeProblems(problems, known)) {
    if (path === '') continue
    const first = list[0]
    if (first !== undefined) shown.set(path, agentMessage(first))
  }
  return shown
}
