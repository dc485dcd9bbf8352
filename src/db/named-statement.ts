// Hand-written hot-path statements with readable `$name` parameters.

/**
 * A statement text with `$name` parameters, numbered `$1…$n` once when the module loads. One
 * fixed text serves every call (optional parts are switched on and off by NULL parameters), so
 * PostgreSQL prepares it once per connection and no query is built per call. `bind` refuses a
 * missing value (a misspelt name in the text), so a typo fails loudly instead of binding NULL.
 */
export function namedStatement<N extends string> (text: string): { text: string, bind: (values: Record<N, unknown>) => unknown[] } {
  const names: N[] = []
  const numbered = text.replace(/\$([a-z][a-z0-9_]*)/g, (_, name: N) => {
    let index = names.indexOf(name)
    if (index === -1) index = names.push(name) - 1
    return `$${index + 1}`
  })
  return {
    text: numbered,
    bind: (values) => names.map((name) => {
      const value = values[name]
      if (value === undefined) throw new Error(`statement parameter $${name} has no value`)
      return value
    })
  }
}
