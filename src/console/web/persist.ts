/**
 * No lost work on reload (issue 19 item 6): the order in progress is kept in this tab's
 * sessionStorage (gone when the tab closes) and offered back to the same user after signing in
 * again. Never the card number or the security code (PCI DSS 3.2: no CVV after authorisation,
 * none before either here), never a password (the user's, a supervisor's approval) or the sessionID.
 */
const KEY = 'ordergate-console-order'

/** Inputs whose values are never written anywhere. */
export const NEVER_STORED = new Set(['card-number', 'card-cvv', 'sign-in-password', 'approval-password'])

export type SavedOrder = {
  merchantCode: string
  username: string
  state: unknown
  /** input id → value (checkboxes and radios: "true" / "false") */
  fields: Record<string, string>
}

export function saveOrder (saved: SavedOrder): void {
  const fields = Object.fromEntries(Object.entries(saved.fields).filter(([id]) => !NEVER_STORED.has(id)))
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ ...saved, fields }))
  } catch {
    // storage full or disabled: the page works on, without the reload safety net
  }
}

export function loadOrder (): SavedOrder | undefined {
  try {
    const raw = sessionStorage.getItem(KEY)
    return raw === null ? undefined : JSON.parse(raw) as SavedOrder
  } catch {
    return undefined
  }
}

export function clearSavedOrder (): void {
  try { sessionStorage.removeItem(KEY) } catch {}
}

/** The values of the inputs under `root` that have an id (never the ones in NEVER_STORED). */
export function readFields (root: ParentNode): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const input of root.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input[id], select[id], textarea[id]')) {
    if (NEVER_STORED.has(input.id) || (input instanceof HTMLInputElement && input.type === 'password')) continue
    fields[input.id] = input instanceof HTMLInputElement && (input.type === 'checkbox' || input.type === 'radio') ? String(input.checked) : input.value
  }
  return fields
}

/** Puts saved values back: selects first (they decide which fields show), then the rest. */
export function writeFields (root: ParentNode, fields: Record<string, string>): void {
  const inputs = [...root.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input[id], select[id], textarea[id]')]
  const ordered = [...inputs.filter((i) => i instanceof HTMLSelectElement), ...inputs.filter((i) => !(i instanceof HTMLSelectElement))]
  for (const input of ordered) {
    const saved = fields[input.id]
    if (saved === undefined || NEVER_STORED.has(input.id)) continue
    if (input instanceof HTMLInputElement && (input.type === 'checkbox' || input.type === 'radio')) input.checked = saved === 'true'
    else if (input instanceof HTMLSelectElement) { if ([...input.options].some((o) => o.value === saved)) input.value = saved } else input.value = saved
  }
}
