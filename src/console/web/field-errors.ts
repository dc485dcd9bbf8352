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
