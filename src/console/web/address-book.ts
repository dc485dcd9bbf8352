/**
 * The checkout's address book (issue 19 item 6): for a chosen customer, the last order's billing
 * (and delivery) address is offered first, then the saved addresses; "Save this address to the
 * customer" saves the typed address with saveCustomerAddress, only after the order was placed.
 * Public RPCs only: searchOrders (by CustomerId, newest first) and saveCustomerAddress.
 */
import { byId, h } from './dom.js'
import type { FieldProblem } from './field-errors.js'
import type { Address, BookAddress } from './order-draft.js'
import { callWithSession } from './rpc.js'

export type Which = 'billing' | 'shipping'

/** The value of the "last order" option in the billing and ship-to pickers. */
export const LAST_ORDER = 'last'

const ADDRESS_KEYS = ['FirstName', 'LastName', 'Company', 'Address1', 'Address2', 'City', 'State', 'Zip', 'CountryCode', 'Phone'] as const

/** The last order's addresses, for the customer they were read for (a late answer for another customer is dropped). */
let last: { customerId: number, billing?: Address, delivery?: Address } | undefined

function toAddress (wire: unknown): Address | undefined {
  if (wire === null || typeof wire !== 'object') return undefined
  const given = wire as Record<string, unknown>
  const text = (key: string): string => typeof given[key] === 'string' ? given[key] : ''
  const address: Address = { FirstName: text('FirstName'), LastName: text('LastName'), Company: text('Company'), Address1: text('Address1'), Address2: text('Address2'), City: text('City'), State: text('State'), Zip: text('Zip'), CountryCode: text('CountryCode'), Phone: text('Phone') }
  return address.Address1 === '' || address.CountryCode === '' ? undefined : address
}

const same = (a: Address, b: Address): boolean => ADDRESS_KEYS.every((key) => (a[key] ?? '').trim().toLowerCase() === (b[key] ?? '').trim().toLowerCase())

/** One line for a picker option. */
export const addressSummary = (a: Address): string =>
  [`${a.FirstName} ${a.LastName}`, a.Company, a.Address1, a.City, a.State, a.Zip, a.CountryCode.toUpperCase()].filter((part) => part != null && part !== '').join(', ')

/** The last order's address for this picker, if it was read for the current customer. */
export function lastOrderAddress (which: Which, customerId: number | undefined): Address | undefined {
  if (last === undefined || last.customerId !== customerId) return undefined
  return which === 'billing' ? last.billing : last.delivery
}

/** Forgets the last order (another customer, or the order reset). */
export function forgetLastOrder (): void { last = undefined }

/**
 * Reads the customer's newest order and puts its addresses first in the pickers, chosen when the
 * picker still holds its default. `pick` then fills the fields (main.ts's pickAddress).
 * Answers false when there is no earlier order (or it cannot be read: the pickers stay as they were).
 * After a reload (`restored`: the pickers' saved values) the option comes back, chosen again where it
 * was chosen, and the fields stay as restored: `pick` then only refreshes the save boxes.
 */
export async function offerLastOrder (customerId: number, stillCurrent: () => boolean, pick: (which: Which) => void, restored?: Partial<Record<Which, string>>): Promise<boolean> {
  let found: { Items: Array<Record<string, unknown>> }
  try {
    found = await callWithSession<{ Items: Array<Record<string, unknown>> }>('searchOrders', { orderSearchOptions: { CustomerId: customerId, Pagination: { Page: 1, Limit: 1 } } })
  } catch {
    return false
  }
  const order = found.Items[0]
  if (order === undefined || !stillCurrent()) return false
  const billing = toAddress(order.BillingDetails)
  const deliveryRead = toAddress(order.DeliveryDetails)
  // An order shipped to its billing address offers no second copy: "Same as billing" stays first.
  const delivery = deliveryRead !== undefined && (billing === undefined || !same(billing, deliveryRead)) ? deliveryRead : undefined
  last = { customerId, billing, delivery }
  const offer = (which: Which, address: Address | undefined): void => {
    if (address === undefined) return
    const select = byId<HTMLSelectElement>(`${which}-source`)
    // An address the agent has begun to type (while this search ran) is never overwritten.
    const typed = ['Address1', 'City', 'Zip'].some((key) => ((document.getElementById(`${which}-fields-${key}`) as HTMLInputElement | null)?.value ?? '').trim() !== '')
    const untouched = select.value === (which === 'billing' ? (select.options[0]?.value ?? '') : 'billing') || (select.value === 'new' && !typed)
    select.querySelector(`option[value="${LAST_ORDER}"]`)?.remove()
    select.prepend(h('option', { value: LAST_ORDER }, `Last order: ${addressSummary(address)}`))
    if (restored !== undefined) {
      if (restored[which] === LAST_ORDER) { select.value = LAST_ORDER; pick(which) }
      return
    }
    if (untouched) { select.value = LAST_ORDER; pick(which) }
  }
  offer('billing', billing)
  offer('shipping', delivery)
  return billing !== undefined || delivery !== undefined
}

/**
 * The save boxes beside a picker. A new address (or the last order's, not in the book): "Save this
 * address to the customer". A saved address the agent has edited: "Save changes to this address"
 * (saveCustomerAddress with its AddressId) or "Save as a new address", one or neither.
 */
export function showSaveBox (which: Which, choice: string, book: BookAddress[], current?: Address): void {
  const row = byId(`${which}-save-row`)
  const saved = book.find((address) => String(address.AddressId) === choice)
  const offered = choice !== 'billing' && saved === undefined
  row.hidden = !offered
  if (!offered) byId<HTMLInputElement>(`${which}-save`).checked = false
  const edited = saved !== undefined && current !== undefined && !same(saved, current)
  byId(`${which}-edit-row`).hidden = !edited
  if (!edited) for (const box of ['update', 'save-new']) byId<HTMLInputElement>(`${which}-${box}`).checked = false
}

/** "Save changes" and "Save as a new address" exclude each other: ticking one unticks the other. */
export function bindEditBoxes (which: Which): void {
  const update = byId<HTMLInputElement>(`${which}-update`)
  const asNew = byId<HTMLInputElement>(`${which}-save-new`)
  update.addEventListener('change', () => { if (update.checked) asNew.checked = false })
  asNew.addEventListener('change', () => { if (asNew.checked) update.checked = false })
}

/** An address to save: a new entry, or (AddressId) the saved one it replaces. */
export type ToSave = { address: Address, addressId?: number }

/** What each picker's ticked boxes ask to save: billing's, then delivery's (when the order is delivered). */
function wantedSaves (billing: Address, delivery: Address | null): { billing?: ToSave, shipping?: ToSave } {
  const visible = (which: Which, box: string): boolean => byId<HTMLInputElement>(`${which}-${box}`).checked && !byId(`${which}-${box === 'save' ? 'save' : 'edit'}-row`).hidden
  const choose = (which: Which, address: Address): ToSave | undefined => {
    if (visible(which, 'save') || visible(which, 'save-new')) return { address }
    if (visible(which, 'update')) return { address, addressId: Number(byId<HTMLSelectElement>(`${which}-source`).value) }
    return undefined
  }
  const first = choose('billing', billing)
  const second = delivery !== null && !byId('shipping').hidden ? choose('shipping', delivery) : undefined
  return { ...(first !== undefined ? { billing: first } : {}), ...(second !== undefined ? { shipping: second } : {}) }
}

/** The path of the delivery's "Save changes" box (index.html), where a conflict with billing's is said. */
export const DELIVERY_CHANGES_PATH = 'AddressBook.DeliveryChanges'

/**
 * Billing and delivery both "Save changes" into the same saved address but typed differently:
 * saveCustomerAddress replaces the whole entry, so one edit would silently overwrite the other.
 * Which one the book keeps is the agent's call, so the order is not placed until they make it
 * (the same edit twice is one write: addressesToSave). Undefined when there is no such conflict.
 */
export function addressSaveConflict (billing: Address, delivery: Address | null): FieldProblem | undefined {
  const wanted = wantedSaves(billing, delivery)
  const a = wanted.billing
  const b = wanted.shipping
  if (a?.addressId === undefined || b?.addressId !== a.addressId || same(a.address, b.address)) return undefined
  return {
    path: DELIVERY_CHANGES_PATH,
    message: 'Billing and delivery both save changes into the same saved address, and the two are not the same: only one can be kept in it. Untick "Save changes" on one of them, or save the delivery address as a new address.'
  }
}

/**
 * What the ticked boxes ask to save, read when the order is confirmed (before placing it); a
 * saved address is written once: the same edit on both pickers is one write, and different
 * edits (addressSaveConflict) are refused before placing, never left to the last write.
 */
export function addressesToSave (billing: Address, delivery: Address | null): ToSave[] {
  const wanted = wantedSaves(billing, delivery)
  const saves: ToSave[] = wanted.billing === undefined ? [] : [wanted.billing]
  const second = wanted.shipping
  if (second !== undefined && !saves.some((w) => same(w.address, second.address) && w.addressId === second.addressId)) saves.push(second)
  return saves
}

/**
 * After the order was placed: each address saved to the customer's book; answers how many were
 * saved. A saved address changed in place keeps what the checkout does not show (its Label and
 * Email, from `book`): saveCustomerAddress replaces the whole entry.
 */
export async function saveAddresses (customerId: number, addresses: ToSave[], book: readonly BookAddress[]): Promise<number> {
  let saved = 0
  for (const { address, addressId } of addresses) {
    const kept = addressId === undefined ? undefined : book.find((entry) => entry.AddressId === addressId)
    const body: Record<string, string | null> = kept === undefined ? {} : { Label: kept.Label ?? null, Email: kept.Email ?? null }
    for (const key of ADDRESS_KEYS) {
      const given = (address[key] ?? '').trim()
      body[key] = given === '' ? null : (key === 'CountryCode' ? given.toUpperCase() : given)
    }
    await callWithSession<BookAddress>('saveCustomerAddress', addressId === undefined ? { CustomerId: customerId, Address: body } : { CustomerId: customerId, Address: body, AddressId: addressId })
    saved++
  }
  return saved
}
