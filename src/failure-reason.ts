/**
 * One readable line for a failure that stops the process (a start, a CLI command): the error's
 * message and its `cause` chain (an AggregateError's errors too: a host name that resolves to
 * several addresses refuses on each), so the operator sees the pg error, the refused address or
 * the unknown migration rather than only the outermost "migration up failed".
 * Credentials in URLs and the given secrets are replaced with `***`.
 */
export function failureReason (err: unknown, secrets: ReadonlyArray<string | undefined> = []): string {
  const parts: string[] = []
  const seen = new Set<unknown>()
  const visit = (e: unknown, depth: number): void => {
    if (depth > 8 || seen.has(e)) return
    seen.add(e)
    if (!(e instanceof Error)) {
      if (e !== undefined && e !== null) parts.push(String(e))
      return
    }
    const code = (e as { code?: unknown }).code
    let text = e.message.trim()
    if (typeof code === 'string' && code !== '' && !text.includes(code)) text = text === '' ? code : `${text} (${code})`
    // A message that repeats its cause's (pg wraps and re-throws) is said once.
    if (text !== '' && !parts.some((p) => p.includes(text))) parts.push(text)
    if (e instanceof AggregateError) {
      const inner = e.errors.map((x) => failureReason(x)).filter((x) => x !== '')
      const distinct = [...new Set(inner)].filter((x) => !parts.some((p) => p.includes(x)))
      if (distinct.length > 0) parts.push(distinct.join('; '))
    }
    visit(e.cause, depth + 1)
  }
  visit(err, 0)
  let line = parts.join(': ').replace(/\s+/g, ' ').trim()
  line = line.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi, '$1:***@')
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue
    for (const form of new Set([secret, encodeURIComponent(secret)])) line = line.split(form).join('***')
  }
  return line === '' ? 'unknown error' : line
}

/** The secrets of a configuration that a failure line must never show. */
export function configSecrets (config: { DATABASE_URL?: string | undefined, SECRET_ENCRYPTION_KEY?: string | undefined, DEMO_MERCHANT_SECRET?: string | undefined }): string[] {
  const secrets = [config.SECRET_ENCRYPTION_KEY, config.DEMO_MERCHANT_SECRET]
  if (config.DATABASE_URL !== undefined) {
    try {
      const password = new URL(config.DATABASE_URL).password
      if (password !== '') secrets.push(password, decodeURIComponent(password))
    } catch {}
  }
  return secrets.filter((s): s is string => s !== undefined && s !== '')
}
