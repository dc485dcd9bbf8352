/** `YYYY-MM-DD HH:mm:ss` (UTC), 2Checkout's date format. */
export function formatWireDate (date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ')
}
