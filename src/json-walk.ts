// Walking parsed JSON from clients and files without recursion. JSON.parse and
// secure-json-parse build a value nested 100,000 deep without trouble; a recursive walk over it
// overflows the stack (a RangeError: an internal error per request). So every walk over
// untrusted JSON is this one loop with an explicit stack, and it stops at a depth cap.

export type JsonSegment = string | number

/** Where a value or key sits: its segments from the root, made only when asked for. */
export type JsonPathOf = () => JsonSegment[]

export type JsonLeafKind = 'string' | 'number' | 'key'

/**
 * Called for each string, number and object key. Answer `false` to stop the walk (e.g. when
 * enough problems were found).
 */
export type JsonVisitor = (value: string | number, kind: JsonLeafKind, path: JsonPathOf) => boolean | undefined | void

// `depth`: how many arrays and objects enclose the value.
type Frame = { value: unknown, depth: number, parent: Frame | undefined, segment: JsonSegment | undefined }

function pathOf (frame: Frame): JsonSegment[] {
  const segments: JsonSegment[] = []
  for (let f: Frame | undefined = frame; f?.segment !== undefined; f = f.parent) segments.push(f.segment)
  return segments.reverse()
}

/**
 * Visits every leaf and key of `root` in document order. The root array or object is at depth 1;
 * the walk stops at the first array or object deeper than `maxDepth` and answers its path
 * (undefined when none is).
 */
export function walkJson (root: unknown, maxDepth: number, visit: JsonVisitor): JsonSegment[] | undefined {
  const stack: Frame[] = [{ value: root, depth: 0, parent: undefined, segment: undefined }]
  while (stack.length > 0) {
    const frame = stack.pop() as Frame
    const { value } = frame
    if (typeof value === 'string' || typeof value === 'number') {
      if (visit(value, typeof value === 'string' ? 'string' : 'number', () => pathOf(frame)) === false) return undefined
      continue
    }
    if (typeof value !== 'object' || value === null) continue
    const depth = frame.depth + 1
    if (depth > maxDepth) return pathOf(frame)
    if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) {
        stack.push({ value: value[index], depth, parent: frame, segment: index })
      }
      continue
    }
    const keys = Object.keys(value)
    const children: Frame[] = []
    for (const key of keys) {
      const child: Frame = { value: (value as Record<string, unknown>)[key], depth, parent: frame, segment: key }
      if (visit(key, 'key', () => pathOf(child)) === false) return undefined
      children.push(child)
    }
    for (let index = children.length - 1; index >= 0; index--) stack.push(children[index] as Frame)
  }
  return undefined
}

// String.prototype.isWellFormed is ES2024 (Node 20 has it; the project's lib is ES2023). It is
// native: a 7 MB attachment is checked in microseconds, where a regex takes tens of milliseconds.
const isWellFormed = (text: string): boolean => (text as string & { isWellFormed: () => boolean }).isWellFormed()

/**
 * Why PostgreSQL cannot store `text` as it is, or undefined when it can. No text or jsonb value
 * holds U+0000; a lone UTF-16 surrogate is refused in jsonb (`\ud800` is an "unsupported Unicode
 * escape sequence") and silently replaced by U+FFFD in text columns (the driver encodes UTF-8),
 * so the order would be stored with other text than the client sent.
 */
export function unstorableText (text: string): string | undefined {
  if (text.includes('\u0000')) return 'text must not contain the NUL character (U+0000)'
  if (!isWellFormed(text)) return 'text must be valid Unicode: a lone UTF-16 surrogate (U+D800 to U+DFFF without its pair) cannot be stored'
  return undefined
}

/** `text` with each U+0000 and lone surrogate replaced by U+FFFD: a key that can be echoed in a path. */
export function storableText (text: string): string {
  if (unstorableText(text) === undefined) return text
  // Iterating a string yields code points: a lone surrogate comes alone, a valid pair together.
  return [...text].map((c) => (c === '\u0000' || (c.length === 1 && c >= '\uD800' && c <= '\uDFFF') ? '\uFFFD' : c)).join('')
}
