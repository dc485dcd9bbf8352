import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import type { Test } from 'tap'
import { chromium, type Browser, type Locator, type Page } from 'playwright-core'
import { loginHash } from '../../src/auth/login.js'
import { gmdate } from './app.js'
import { ADMIN_URL, postgresAvailable } from './db.js'
import { freePort } from './free-port.js'
import { ensureBuilt, ROOT, runOrdergate, startServer, type RunningServer } from './process.js'
import { checkRpcExchange } from './result-conformance.js'

/**
 * The operator console's browser tests: a real ordergate (the built package) on a fresh
 * PostgreSQL database per test file, with the DEMO merchant and catalog, driven by Debian's
 * Chromium through playwright-core. Screenshots of each step go to artifacts/console/.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const ARTIFACTS = join(ROOT, 'artifacts', 'console')
export const DEMO_SECRET = 'console-test-demo-secret-key-0123456789'
export const PASSWORD = 'console test password 1'

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

const run = promisify(execFile)

/** Why the browser tests cannot run here (undefined: they can). In CI nothing may be missing. */
export async function missingPrerequisite (): Promise<string | undefined> {
  const reasons: string[] = []
  if (!existsSync(CHROMIUM)) reasons.push(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`)
  if (!(await postgresAvailable())) reasons.push(`no PostgreSQL answers at ${ADMIN_URL}`)
  if (reasons.length === 0) return undefined
  if (process.env.CI === 'true') throw new Error(`CI runs the console's browser tests, but: ${reasons.join('; ')}`)
  return reasons.join('; ')
}

/** The page's scripts are compiled by `npm run build`; a dist/ from before the console lacks them. */
async function ensureConsoleBuilt (): Promise<void> {
  await ensureBuilt()
  if (existsSync(join(ROOT, 'dist', 'src', 'console', 'public', 'app', 'main.js'))) return
  await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'src/console/web/tsconfig.json'], { cwd: ROOT })
  await run(process.execPath, [join(ROOT, 'scripts', 'copy-console.js')], { cwd: ROOT })
}

export type RpcReply = { result?: any, error?: { code: number, message: string, data?: any } }

export type ConsoleServer = {
  url: string
  env: Record<string, string>
  server: RunningServer
  rpc: (method: string, params: unknown) => Promise<RpcReply>
  /** the DEMO merchant's API session (login with the secret key), for checking orders afterwards */
  merchantSession: () => Promise<string>
  /** a merchant user of DEMO with these privileges or roles; answers the username */
  createUser: (username: string, privileges: string[]) => Promise<string>
  /** one SQL query on the test database */
  query: (text: string, values?: unknown[]) => Promise<any[]>
  /** another server process on the same database (other settings, e.g. a short session TTL) */
  startAnother: (env: Record<string, string>) => Promise<{ url: string, stop: () => Promise<unknown> }>
}

/** A fresh database and a running ordergate with DEMO seeded, torn down with the test. */
export async function startConsoleServer (t: Test): Promise<ConsoleServer> {
  await ensureConsoleBuilt()
  const name = `ordergate_console_${process.pid}_${randomBytes(3).toString('hex')}`
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  await admin.query(`create database "${name}"`)
  const dbUrl = new URL(ADMIN_URL)
  dbUrl.pathname = `/${name}`
  const client = new pg.Client({ connectionString: dbUrl.toString() })
  const stops: Array<() => Promise<unknown>> = []
  t.teardown(async () => {
    for (const stop of stops.reverse()) await stop()
    await client.end().catch(() => {})
    await admin.query(`drop database if exists "${name}" with (force)`)
    await admin.end()
  })
  // A fixed port, so the 3-D Secure Href the server builds (PUBLIC_URL) points at itself.
  const port = await freePort()
  const env = { DATABASE_URL: dbUrl.toString(), DEMO_SEED: 'true', DEMO_MERCHANT_SECRET: DEMO_SECRET, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` }
  const server = await startServer(env)
  stops.push(async () => await server.stop())
  await client.connect()

  const rpc = async (method: string, params: unknown): Promise<RpcReply> => {
    const request = { jsonrpc: '2.0', method, params, id: 1 }
    const response = await fetch(`${server.url}/rpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) })
    const reply = await response.json() as RpcReply
    checkRpcExchange(request, reply)
    return reply
  }
  return {
    url: server.url,
    env,
    server,
    rpc,
    merchantSession: async () => {
      const date = gmdate(new Date())
      const reply = await rpc('login', ['DEMO', date, loginHash(DEMO_SECRET, 'DEMO', date)])
      if (typeof reply.result !== 'string') throw new Error(`login failed: ${JSON.stringify(reply.error)}`)
      return reply.result
    },
    createUser: async (username, privileges) => {
      const args = ['user', 'create', '--merchant', 'DEMO', '--username', username, '--password-stdin', ...privileges.flatMap((p) => ['--privilege', p])]
      const created = await runOrdergate(args, env, `${PASSWORD}\n`)
      if (created.code !== 0) throw new Error(`ordergate user create failed: ${created.stderr}`)
      return username
    },
    query: async (text, values) => (await client.query(text, values)).rows,
    startAnother: async (more) => {
      const anotherPort = await freePort()
      const another = await startServer({ ...env, PORT: String(anotherPort), PUBLIC_URL: `http://127.0.0.1:${anotherPort}`, DEMO_SEED: 'false', ...more })
      stops.push(async () => await another.stop())
      return { url: another.url, stop: async () => await another.stop() }
    }
  }
}

export type ConsoleBrowser = {
  browser: Browser
  page: Page
  /** every console error and uncaught page error (a CSP violation shows up here) */
  problems: string[]
  /** writes artifacts/console/<name>.png of the whole page */
  shot: (name: string) => Promise<void>
}

/** Chromium with one page on the console; closed with the test. */
export async function openConsole (t: Test, url: string, prefix: string): Promise<ConsoleBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 })
  t.teardown(async () => await browser.close())
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  context.setDefaultTimeout(10_000)
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()) })
  page.on('pageerror', (error) => { problems.push(error.message) })
  await mkdir(ARTIFACTS, { recursive: true })
  await page.goto(`${url}/console`)
  return {
    browser,
    page,
    problems,
    shot: async (name) => { await page.screenshot({ path: join(ARTIFACTS, `${prefix}-${name}.png`), fullPage: true }) }
  }
}

/** A phone: 390×844 CSS px, touch (the console's narrow layout, issue 19 item 6). */
export const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true } as const

/**
 * A page of its own browser context (closed with the test, 10-s timeouts) on `url`: at 390 px a
 * touch PHONE, otherwise 1280×900 as openConsole's; its script errors and console errors go to
 * `problems`. With `username` it signs in on the console's form (signIn).
 */
export async function openPage (t: Test, browser: Browser, url: string, problems: string[], options: { width?: number, username?: string } = {}): Promise<Page> {
  const context = await browser.newContext(options.width === undefined || options.width === 390 ? PHONE : { viewport: { width: options.width, height: 900 } })
  context.setDefaultTimeout(10_000)
  t.teardown(async () => await context.close())
  const page = await context.newPage()
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()) })
  page.on('pageerror', (error) => { problems.push(error.message) })
  await page.goto(url)
  if (options.username !== undefined) await signIn(page, options.username)
  return page
}

/** Presses Tab (Shift+Tab with `back`) until the focused element matches `selector`; answers whether it got there. */
export async function tabTo (page: Page, selector: string, max = 120, back = false): Promise<boolean> {
  const focused = async (): Promise<boolean> => await page.evaluate((selector) => document.activeElement?.matches(selector) === true, selector)
  for (let i = 0; i < max; i++) {
    if (await focused()) return true
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab')
  }
  return await focused()
}

/** An order's confirmation: its RefNo, each line (what, price), its total. */
export type Confirmation = { RefNo: string, lines: string[][], total: string }

/** What the page's order confirmation shows now (print media or screen): only what is visible. */
export async function printedConfirmation (page: Page): Promise<Confirmation> {
  const confirmation = page.locator('.confirmation')
  const shown = async (locator: Locator): Promise<string> => (await locator.filter({ visible: true }).count()) === 1 ? (await locator.textContent()) ?? '' : ''
  const lines: string[][] = []
  for (const line of await confirmation.locator('#order-items li').filter({ visible: true }).all()) {
    lines.push([await shown(line.locator('span').first()), await shown(line.locator('.num'))])
  }
  return { RefNo: await shown(confirmation.locator('dd[data-field="Order reference (RefNo)"]')), lines, total: await shown(confirmation.locator('dd[data-field="Total"]')) }
}

/** The confirmation of `refNo` as getOrder answers the order (amounts in USD). */
export async function confirmationOf (app: ConsoleServer, sessionID: string, refNo: string): Promise<Confirmation> {
  const order = (await app.rpc('getOrder', { sessionID, RefNo: refNo })).result
  const usd = (amount: number): string => `$${amount.toFixed(2)}`
  return { RefNo: order.RefNo, lines: order.Items.map((i: any) => [`${i.Quantity} × ${i.Name} ${i.Code}`, usd(i.Price.GrossDiscountedPrice)]), total: usd(order.GrossDiscountedPrice) }
}

/** Signs in on the console's form. */
export async function signIn (page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.getByLabel('Merchant code').fill('DEMO')
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** From the drafts list (Drafts in the header), Open draft `id`, Resume in checkout; waits until the checkout holds it. */
export async function resumeDraft (page: Page, id: number): Promise<void> {
  await page.locator('#nav-drafts').click()
  await page.getByRole('button', { name: `Open draft ${id}` }).click()
  await page.getByRole('button', { name: 'Resume in checkout' }).click()
  await expect(page.locator('#checkout-draft')).toContainText(`Draft ${id}`)
}

/**
 * Web-first assertions in the style of @playwright/test's `expect(locator)` (playwright-core has
 * none): each polls until it holds or its timeout passes, then fails naming what it last saw.
 */
export function expect (locator: Locator) {
  const poll = async (what: string, read: () => Promise<unknown>, ok: (seen: unknown) => boolean, timeout = 10_000): Promise<void> => {
    const deadline = Date.now() + timeout
    let seen: unknown
    for (;;) {
      try {
        seen = await read()
        if (ok(seen)) return
      } catch (err) {
        seen = err instanceof Error ? err.message : err
      }
      if (Date.now() > deadline) throw new Error(`expected ${locator.toString()} ${what}; last saw ${JSON.stringify(seen)}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  const matches = (expected: string | RegExp, exact: boolean) => (seen: unknown) => {
    const text = String(seen ?? '').trim()
    if (expected instanceof RegExp) return expected.test(text)
    return exact ? text === expected : text.includes(expected)
  }
  return {
    toBeVisible: async (options: { timeout?: number } = {}) => await locator.waitFor({ state: 'visible', timeout: options.timeout ?? 10_000 }),
    toHaveText: async (expected: string | RegExp, options: { timeout?: number } = {}) =>
      await poll(`to have the text ${String(expected)}`, async () => await locator.first().textContent({ timeout: 1000 }), matches(expected, true), options.timeout),
    /** every element's text, in order (a select's options, say) */
    toHaveTexts: async (expected: string[]) =>
      await poll(`to have the texts ${JSON.stringify(expected)}`, async () => await locator.allTextContents(), (seen) => JSON.stringify(seen) === JSON.stringify(expected)),
    toContainText: async (expected: string, options: { timeout?: number } = {}) =>
      await poll(`to contain the text ${expected}`, async () => await locator.first().textContent({ timeout: 1000 }), matches(expected, false), options.timeout),
    toHaveValue: async (expected: string) =>
      await poll(`to have the value ${expected}`, async () => await locator.inputValue({ timeout: 1000 }), (seen) => seen === expected),
    toBeChecked: async () => await poll('to be checked', async () => await locator.isChecked({ timeout: 1000 }), (seen) => seen === true),
    toBeFocused: async () => await poll('to have the focus', async () => await locator.evaluate((el: any) => el === el.ownerDocument.activeElement, undefined, { timeout: 1000 }), (seen) => seen === true)
  }
}

/** "Use customer <name>" in the search results, then waits until the checkout shows that customer (its fill of the addresses is done). */
export async function useCustomer (page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: `Use customer ${name}` }).click()
  await expect(page.locator('#customer-summary h3')).toContainText(name)
}

/** Finds the customer by e-mail in the checkout's customer search, then uses them (useCustomer). */
export async function chooseCustomer (page: Page, email: string, name: string): Promise<void> {
  await page.getByLabel('Search by').selectOption('Email')
  await page.getByLabel('Find a customer').fill(email)
  await page.getByLabel('Find a customer').press('Enter')
  await useCustomer(page, name)
}

/** Place order…, then the summary's confirmation (placing needs both, issue 19 item 6). */
export async function placeOrder (page: Page): Promise<void> {
  await page.locator('#place-order').click()
  const dialog = page.locator('#place-summary')
  await dialog.waitFor({ state: 'visible' })
  await dialog.locator('#place-confirm').click()
}

// The page's globals inside page.evaluate (this tsconfig has no DOM lib).
declare const document: any, window: any, getComputedStyle: any

/**
 * What a phone-width page does wrong (issue 19 item 6: "works at 390 px, no horizontal scroll,
 * every control tappable"): a horizontal scroll (document.scrollingElement.scrollWidth >
 * innerWidth); a visible control (or link) inside `scope` outside the width, smaller than 44×44 px (a
 * checkbox or radio 24 px), or covered (the element at its centre is neither it, inside it, nor
 * its label). Empty when none.
 */
export async function phoneLayoutProblems (page: Page, scope = 'body'): Promise<string[]> {
  return await page.evaluate((scope: string) => {
    const problems: string[] = []
    const doc = document.scrollingElement ?? document.documentElement
    if (doc.scrollWidth > window.innerWidth) problems.push(`horizontal scroll: ${doc.scrollWidth} > ${window.innerWidth}`)
    // The skip link is off screen until it has the focus.
    for (const el of document.querySelectorAll(`${scope} button, ${scope} input, ${scope} select, ${scope} textarea, ${scope} a[href]:not(.skip)`)) {
      const rect = el.getBoundingClientRect()
      if (rect.width === 0 || rect.height === 0 || getComputedStyle(el).visibility === 'hidden') continue
      const name = `${el.tagName.toLowerCase()}#${el.id || (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}`
      if (rect.left < 0 || rect.right > window.innerWidth + 0.5) problems.push(`${name} outside the width (${Math.round(rect.left)}..${Math.round(rect.right)})`)
      el.scrollIntoView({ block: 'center', inline: 'nearest' })
      const r = el.getBoundingClientRect()
      const type = el.tagName === 'INPUT' ? String(el.type) : ''
      const min = type === 'checkbox' || type === 'radio' ? 24 : 44
      if (r.height < min - 0.5 || r.width < min - 0.5) problems.push(`${name} is ${Math.round(r.width)}×${Math.round(r.height)} px: too small to tap`)
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
      const label = hit?.closest('label')
      if (hit === null || !(hit === el || el.contains(hit) || (label != null && label.htmlFor === el.id))) problems.push(`${name}: a tap at its centre lands on ${hit?.tagName.toLowerCase() ?? 'nothing'}#${hit?.id ?? ''}`)
    }
    return problems
  }, scope)
}
