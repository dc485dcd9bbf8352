/** Small DOM helpers for the console: element lookup, element building, errors beside fields. */
import { agentMessage, fieldName, placeProblems, type FieldProblem } from './field-errors.js'
import { RpcError } from './rpc.js'

export function byId<T extends HTMLElement = HTMLElement> (id: string): T {
  const found = document.getElementById(id)
  if (found === null) throw new Error(`#${id} is missing from the page`)
  return found as T
}

type Child = Node | string | number | null | undefined | false
type Props = Record<string, string | number | boolean | undefined | null | ((event: Event) => void)>

/** h('button', { type: 'button', onclick: … }, 'Add'): attributes as given, `on…` as listeners. */
export function h<K extends keyof HTMLElementTagNameMap> (tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue
    if (typeof value === 'function') element.addEventListener(key.slice(2), value)
    else if (value === true) element.setAttribute(key, '')
    else element.setAttribute(key, String(value))
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    element.append(typeof child === 'number' ? String(child) : child)
  }
  return element
}

export function show (element: HTMLElement, visible: boolean): void { element.hidden = !visible }

let uid = 0
export const uniqueId = (prefix: string): string => `${prefix}-${++uid}`

/** Removes every error shown inside `scope` (messages, aria-invalid, the form's summary). */
export function clearErrors (scope: HTMLElement): void {
  for (const message of scope.querySelectorAll('.error[data-error-for]')) message.remove()
  for (const input of scope.querySelectorAll('[aria-invalid=true]')) {
    input.removeAttribute('aria-invalid')
    const described = (input.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => !id.startsWith('err-')).join(' ')
    if (described === '') input.removeAttribute('aria-describedby')
    else input.setAttribute('aria-describedby', described)
  }
  const summary = scope.id !== '' ? document.getElementById(`${scope.id}-error`) : null
  if (summary !== null) { summary.hidden = true; summary.textContent = '' }
}

function visiblePaths (scope: HTMLElement, prefix: string): Map<string, HTMLElement> {
  const paths = new Map<string, HTMLElement>()
  for (const element of scope.querySelectorAll<HTMLElement>('[data-path]')) {
    if (element.closest('[hidden]') !== null) continue
    const path = element.dataset.path as string
    if (!paths.has(path)) paths.set(path, element)
    if (prefix !== '' && path.startsWith(`${prefix}.`) && !paths.has(path.slice(prefix.length + 1))) paths.set(path.slice(prefix.length + 1), element)
  }
  return paths
}

/**
 * Shows an error: each `data.fields[]` problem beside the input whose data-path it names (or the
 * nearest enclosing one), the rest and the error's message in the form's summary (#<form>-error).
 * Focuses the first field in error, else the summary. Answers how many problems were placed.
 */
export function showError (scope: HTMLElement, error: unknown, options: { prefix?: string, quiet?: boolean, only?: (problem: FieldProblem) => boolean } = {}): number {
  const problems = error instanceof RpcError ? error.fields.filter(options.only ?? (() => true)) : []
  const paths = visiblePaths(scope, options.prefix ?? '')
  const placed = placeProblems(problems, new Set(paths.keys()))
  let first: HTMLElement | undefined
  let count = 0
  for (const [path, list] of placed) {
    if (path === '') continue
    const target = paths.get(path) as HTMLElement
    const id = uniqueId('err')
    // One message per field, in the agent's words (the API may name one field twice).
    const message = h('p', { class: 'error', id, 'data-error-for': path }, agentMessage(list[0] as FieldProblem))
    const focusable = target.matches('input, select, textarea') ? target : target.querySelector<HTMLElement>('input:not([type=hidden]), select, textarea') ?? target
    focusable.setAttribute('aria-invalid', 'true')
    focusable.setAttribute('aria-describedby', [focusable.getAttribute('aria-describedby'), id].filter(Boolean).join(' '))
    const container = target.closest('.field') ?? target
    // Inside a stacked .field, under its input: after it, in a .grid of fields, the message would be
    // the next grid cell (at 1280 px a right-hand field's message went to the next row, under another field).
    if (container === target ? target.matches('fieldset, div, table, section') : container.matches('.field:not(.check, .inline)')) container.append(message)
    else container.after(message)
    first ??= focusable
    count += 1
  }
  const rest = placed.get('') ?? []
  const summary = scope.id !== '' ? document.getElementById(`${scope.id}-error`) : null
  if (summary !== null && (rest.length > 0 || count === 0 || error instanceof RpcError === false)) {
    summary.replaceChildren(count > 0 || rest.length > 0 ? 'Please correct the marked fields.' : errorText(error))
    if (rest.length > 0) summary.append(h('ul', {}, ...[...new Map(rest.map((problem) => [fieldName(problem.path), problem])).entries()].map(([name, problem]) => h('li', {}, `${name === 'value' ? '' : `${name[0]?.toUpperCase() ?? ''}${name.slice(1)}: `}${agentMessage(problem)}`))))
    summary.hidden = false
  }
  if (options.quiet !== true) (first ?? (summary?.hidden === false ? summary : undefined))?.focus()
  return count
}

/** One line for an error: the API's message and reason, or a transport failure. */
export function errorText (error: unknown): string {
  if (error instanceof RpcError) {
    const id = error.requestId !== undefined ? ` (request ${error.requestId})` : ''
    return `${error.message} [${error.errorCode}]${id}`
  }
  return error instanceof Error ? error.message : String(error)
}
