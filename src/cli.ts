import { MAX_NET_DAYS } from './payments/payment-terms.js'
import { readMerchantPaymentTerms, saveMerchantPaymentTerms } from './payments/payment-terms-store.js'
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { findMerchantByCode, type Merchant } from './auth/merchant-store.js'
import { createMerchant } from './auth/merchants.js'
import { createMerchantUser } from './auth/merchant-users.js'
import { rotateMerchantSecret, setMerchantUserActive } from './auth/revocation.js'
import { formatCatalogIssues } from './catalog/catalog-file.js'
import { loadCatalogFile } from './catalog/catalog-store.js'
import { loadDemoCatalog } from './catalog/demo.js'
import { loadConfig } from './config.js'
import { migrateDown, migrateToLatest } from './db/migrate.js'
import { createDeps, type Deps } from './deps.js'
import { AppError } from './errors.js'
import { createLogger } from './logger.js'
import { IPN_HASH_ALGORITHMS, readIpnSettings, saveIpnSettings } from './notifications/ipn-settings.js'
import { ORDER_STATUSES, type OrderStatus } from './orders/order.js'
import { configSecrets, failureReason } from './failure-reason.js'
import { sweepOrders } from './orders/order-sweeps.js'
import { ROLE_NAMES } from './auth/privileges.js'
import { getDiscountLimits, getDiscountReasons, parseDiscountLimits, presentDiscountLimits, setDiscountReasons, setRoleDiscountLimit, type DiscountLimit, type GivenLimit } from './orders/discount-settings.js'

const USAGE = `usage:
  ordergate migrate [up|down] [--step]          apply every migration (up), or revert them all (down; --step: only the latest)
  ordergate merchant create --code CODE [--secret-stdin] [--name NAME] [--po-auto-approve]
                                                 create a merchant; prints {"code":…,"secret":…}; the secret is generated, or one
                                                 line of stdin (--secret-stdin), or ORDERGATE_MERCHANT_SECRET
  ordergate merchant rotate-secret --code CODE [--secret-stdin]
                                                 replace the secret (generated, or one line of stdin); prints {"code":…,"secret":…};
                                                 ends the merchant's API sessions
  ordergate merchant ipn --code CODE [--url URL]... [--algorithm md5|sha256|sha3-256] [--status S]... | --off
                                                 the merchant's IPN settings: without --url or --off prints them; --url (1-5)
                                                 replaces them (algorithm default md5; statuses default every status); --off
                                                 removes the URLs (IPN off)
  ordergate merchant terms --code CODE [--net-days N]
                                                 the merchant's purchase-order payment terms: prints them; --net-days N (1-365)
                                                 sets NET N days for orders placed from now on
  ordergate catalog load --merchant CODE FILE.json  replace the merchant's catalog with the file's (prints a summary)
  ordergate demo --merchant CODE                 load the demo catalog for the merchant
  ordergate user create --merchant CODE --username U --password-stdin [--role ROLE] [--privilege P]... [--name NAME]
                                                 create a merchant user (staff); the password is one line of stdin, or
                                                 ORDERGATE_USER_PASSWORD; --role AGENT|SUPERVISOR|ADMIN grants the role's
                                                 privileges and sets the role the discount limits apply to; privileges:
                                                 PLACE_ORDERS_ON_BEHALF, MANAGE_CUSTOMERS, REPLACEMENT_ORDERS, APPROVE_FRAUD,
                                                 CANCEL_ORDERS, RECORD_PAYMENTS, REFUND_ORDERS, RESEND_NOTIFICATIONS,
                                                 CUSTOM_LINE_ITEMS, APPROVE_DISCOUNTS, MANAGE_DISCOUNTS (or a role's name)
  ordergate user deactivate|activate --merchant CODE --username U
                                                 deactivating ends the user's sessions and refuses loginUser
  ordergate discount limits --merchant CODE [--role ROLE [--line-percent N] [--order-percent N]
                            [--line-amount CUR=X]... [--order-amount CUR=X]...]
                                                 the staff discount limits per role: prints them; with --role replaces that
                                                 role's limits (a figure not given: no limit; other roles unchanged), as
                                                 setDiscountLimits; --line-amount/--order-amount per currency (EUR=15.00)
  ordergate discount reasons --merchant CODE [--reason CODE=NAME]... | --none
                                                 the discount reason codes: prints them; --reason replaces them all (as
                                                 setDiscountReasons); --none removes them (no reason code needed)
  ordergate sweep                                cancel purchase orders unpaid after their payment terms, and 3-D Secure or
                                                 redirect orders whose page was not completed within ABANDONED_PAYMENT_MS;
                                                 complete approved orders with no physical product and reverse the sandbox's
                                                 reversal card SANDBOX_COMPLETE_AFTER_MS after approval
                                                 (prints the RefNos: {"canceled":[…],"abandoned":[…],"completed":[…],"reversed":[…]})
  ordergate start                                run the server (same as npm start)
Uses DATABASE_URL when set, else the embedded database under DATA_DIR (default ./data).
Secrets and passwords are never taken as arguments (every user of the machine sees them in ps).`

const MERCHANT_SECRET_ENV = 'ORDERGATE_MERCHANT_SECRET'
const USER_PASSWORD_ENV = 'ORDERGATE_USER_PASSWORD'

type Command = (deps: Deps, args: string[]) => Promise<void>

const COMMANDS: Record<string, Command> = {
  async migrate (deps, args) {
    const { values, positionals } = parseArgs({ args, options: { step: { type: 'boolean', default: false } }, allowPositionals: true })
    const direction = positionals[0] ?? 'up'
    if (direction !== 'up' && direction !== 'down') throw new UsageError(`unknown migrate direction "${direction}" (up or down)`)
    const outcome = direction === 'up' ? await migrateToLatest(deps.db) : await migrateDown(deps.db, { step: values.step })
    out({ direction, applied: outcome.applied })
  },
  async merchant (deps, args) {
    const [sub, ...rest] = args
    if (sub === 'ipn') return await merchantIpn(deps, rest)
    if (sub === 'terms') return await merchantTerms(deps, rest)
    if (sub !== 'create' && sub !== 'rotate-secret') throw new UsageError('merchant takes: create --code CODE [--secret-stdin] [--po-auto-approve], rotate-secret --code CODE [--secret-stdin], ipn --code CODE [--url URL]... [--algorithm A] [--status S]... | --off, or terms --code CODE [--net-days N]')
    const { values } = parseArgs({
      args: rest,
      options: { code: { type: 'string' }, secret: { type: 'string' }, 'secret-stdin': { type: 'boolean', default: false }, name: { type: 'string' }, 'po-auto-approve': { type: 'boolean', default: false } }
    })
    if (values.code === undefined) throw new UsageError(`merchant ${sub} needs --code CODE`)
    // rotate-secret reads no environment variable: one left set would "rotate" to the same secret.
    const secret = await secretInput({ given: values.secret, stdin: values['secret-stdin'], what: 'secret key', flag: 'secret', env: sub === 'create' ? MERCHANT_SECRET_ENV : undefined })
    await migrateToLatest(deps.db)
    if (sub === 'rotate-secret') {
      const merchant = await requireMerchant(deps, values.code)
      const rotated = await rotateMerchantSecret(deps, merchant, SILENT, secret)
      out({ code: merchant.code, secret: rotated.secret, sessionsEnded: rotated.sessionsEnded })
      return
    }
    const { merchant, secret: created } = await createMerchant(deps, {
      code: values.code,
      ...(secret !== undefined ? { secret } : {}),
      ...(values.name !== undefined ? { name: values.name } : {}),
      poAutoApprove: values['po-auto-approve']
    })
    out({ code: merchant.code, secret: created })
  },
  async catalog (deps, args) {
    const [sub, ...rest] = args
    if (sub !== 'load') throw new UsageError('catalog takes: load --merchant CODE FILE.json')
    const { values, positionals } = parseArgs({ args: rest, options: { merchant: { type: 'string' } }, allowPositionals: true })
    const path = positionals[0]
    if (values.merchant === undefined || path === undefined || positionals.length !== 1) throw new UsageError('catalog load needs --merchant CODE and one FILE.json')
    let document: unknown
    try {
      document = JSON.parse(await readFile(path, 'utf8'))
    } catch (err) {
      throw new Error(`${path}: ${err instanceof SyntaxError ? 'not valid JSON: ' : ''}${err instanceof Error ? err.message : String(err)}`)
    }
    await migrateToLatest(deps.db)
    const merchant = await requireMerchant(deps, values.merchant)
    const result = await loadCatalogFile(deps.db, merchant.id, document)
    if (!result.ok) throw new Error(`${path}: ${formatCatalogIssues(result.issues)}`)
    out({ merchant: merchant.code, ...result.summary })
  },
  async sweep (deps) {
    await migrateToLatest(deps.db)
    out(await sweepOrders(deps))
  },
  async discount (deps, args) {
    const [sub, ...rest] = args
    if (sub === 'limits') return await discountLimits(deps, rest)
    if (sub === 'reasons') return await discountReasons(deps, rest)
    throw new UsageError('discount takes: limits --merchant CODE [--role ROLE [--line-percent N] [--order-percent N] [--line-amount CUR=X]... [--order-amount CUR=X]...], or reasons --merchant CODE [--reason CODE=NAME]... | --none')
  },
  async user (deps, args) {
    const [sub, ...rest] = args
    if (sub === 'activate' || sub === 'deactivate') {
      const { values } = parseArgs({ args: rest, options: { merchant: { type: 'string' }, username: { type: 'string' } } })
      if (values.merchant === undefined || values.username === undefined) throw new UsageError(`user ${sub} needs --merchant CODE --username U`)
      await migrateToLatest(deps.db)
      const merchant = await requireMerchant(deps, values.merchant)
      const result = await setMerchantUserActive(deps, merchant, values.username, sub === 'activate', SILENT)
      out({ merchant: merchant.code, username: result.username, active: result.active, sessionsEnded: result.sessionsEnded })
      return
    }
    if (sub !== 'create') throw new UsageError('user takes: create --merchant CODE --username U --password-stdin [--role ROLE] [--privilege P]..., deactivate or activate --merchant CODE --username U')
    const { values } = parseArgs({
      args: rest,
      options: { merchant: { type: 'string' }, username: { type: 'string' }, password: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false }, role: { type: 'string' }, privilege: { type: 'string', multiple: true }, name: { type: 'string' } }
    })
    if (values.merchant === undefined || values.username === undefined) throw new UsageError('user create needs --merchant CODE --username U --password-stdin')
    const password = await secretInput({ given: values.password, stdin: values['password-stdin'], what: 'password', flag: 'password', env: USER_PASSWORD_ENV })
    if (password === undefined) throw new UsageError(`user create needs the password on one line of standard input (--password-stdin) or in ${USER_PASSWORD_ENV}`)
    await migrateToLatest(deps.db)
    const merchant = await requireMerchant(deps, values.merchant)
    const user = await createMerchantUser(deps.db, merchant.id, {
      username: values.username,
      password,
      privileges: (values.privilege ?? []).flatMap((p) => p.split(',')).filter((p) => p !== ''),
      ...(values.name !== undefined ? { displayName: values.name } : {}),
      ...(values.role !== undefined ? { role: values.role } : {})
    })
    out({ merchant: merchant.code, userId: Number(user.id), username: user.username, role: user.role, privileges: user.privileges })
  },
  async demo (deps, args) {
    const { values } = parseArgs({ args, options: { merchant: { type: 'string' } } })
    if (values.merchant === undefined) throw new UsageError('demo needs --merchant CODE')
    await migrateToLatest(deps.db)
    const merchant = await requireMerchant(deps, values.merchant)
    out({ merchant: merchant.code, ...await loadDemoCatalog(deps.db, merchant.id) })
  }
}

/**
 * `merchant ipn`: prints the merchant's IPN settings; with --url (up to 5) replaces them, with
 * --off turns IPN off (no URL). The same rules and store as setIpnSettings.
 */
async function merchantIpn (deps: Deps, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { code: { type: 'string' }, url: { type: 'string', multiple: true }, algorithm: { type: 'string' }, status: { type: 'string', multiple: true }, off: { type: 'boolean', default: false } }
  })
  if (values.code === undefined) throw new UsageError('merchant ipn needs --code CODE')
  const urls = values.url ?? []
  if (values.off && urls.length > 0) throw new UsageError('merchant ipn takes --url URL... or --off, not both')
  const changing = values.off || urls.length > 0
  if (!changing && (values.algorithm !== undefined || values.status !== undefined)) throw new UsageError('merchant ipn: --algorithm and --status go with --url URL (or --off)')
  const algorithm = (values.algorithm ?? 'md5').toLowerCase()
  if (!isOneOf(IPN_HASH_ALGORITHMS, algorithm)) throw new UsageError(`unknown --algorithm "${values.algorithm ?? ''}" (${IPN_HASH_ALGORITHMS.join(', ')})`)
  const given = (values.status ?? []).flatMap((s) => s.split(',')).filter((s) => s !== '').map((s) => s.toUpperCase())
  const statuses = given.filter((s): s is OrderStatus => isOneOf(ORDER_STATUSES, s))
  const unknown = given.filter((s) => !isOneOf(ORDER_STATUSES, s))
  if (unknown.length > 0) throw new UsageError(`unknown --status ${unknown.map((s) => `"${s}"`).join(', ')} (${ORDER_STATUSES.join(', ')})`)
  await migrateToLatest(deps.db)
  const merchant = await requireMerchant(deps, values.code)
  const settings = changing
    ? await saveIpnSettings(deps, merchant.id, { urls, algorithm, statuses: statuses.length === 0 ? null : statuses }, 'system:cli')
    : await readIpnSettings(deps.db, merchant.id)
  out({
    code: merchant.code,
    urls: settings.urls,
    algorithm: settings.algorithm,
    statuses: settings.statuses,
    updatedAt: settings.updatedAt?.toISOString() ?? null,
    updatedBy: settings.updatedBy
  })
}

/**
 * `merchant terms`: prints the merchant's purchase-order payment terms; with --net-days N sets
 * them (NET N days, 1-365). The same rules and store as setPaymentTerms.
 */
async function merchantTerms (deps: Deps, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { code: { type: 'string' }, 'net-days': { type: 'string' } } })
  if (values.code === undefined) throw new UsageError('merchant terms needs --code CODE')
  const given = values['net-days']
  if (given !== undefined && !/^\d{1,6}$/.test(given)) throw new UsageError(`merchant terms: --net-days takes a whole number of days (1-${MAX_NET_DAYS}), got "${given}"`)
  await migrateToLatest(deps.db)
  const merchant = await requireMerchant(deps, values.code)
  const terms = given === undefined
    ? await readMerchantPaymentTerms(deps.db, merchant.id)
    : await saveMerchantPaymentTerms(deps.db, merchant.id, Number(given), 'PaymentTerms.Days')
  out({ code: merchant.code, type: 'NET', days: terms.days })
}

/**
 * `discount limits`: prints the merchant's staff discount limits per role; with --role replaces
 * that role's (the others as they are), through setDiscountLimits and its rules: a bad figure
 * exits 1 naming its option, and nothing is written.
 */
async function discountLimits (deps: Deps, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { merchant: { type: 'string' }, role: { type: 'string' }, 'line-percent': { type: 'string' }, 'order-percent': { type: 'string' }, 'line-amount': { type: 'string', multiple: true }, 'order-amount': { type: 'string', multiple: true } }
  })
  if (values.merchant === undefined) throw new UsageError('discount limits needs --merchant CODE')
  const figures = ['line-percent', 'order-percent', 'line-amount', 'order-amount'] as const
  const given = figures.filter((f) => values[f] !== undefined)
  if (values.role === undefined && given.length > 0) throw new UsageError(`discount limits: --${given[0] ?? ''} goes with --role ROLE (${ROLE_NAMES.join(', ')})`)
  const role = values.role?.toUpperCase()
  if (role !== undefined && !isOneOf(ROLE_NAMES, role)) throw new UsageError(`unknown --role "${values.role ?? ''}" (${ROLE_NAMES.join(', ')})`)
  // Per currency: CUR=X, the line's and the order's figure of one currency in one entry.
  const amounts = new Map<string, { currency: string, lineAmount: string | null, orderAmount: string | null }>()
  for (const option of ['line-amount', 'order-amount'] as const) {
    for (const pair of values[option] ?? []) {
      const match = /^([^=]*)=(.*)$/.exec(pair)
      if (match === null) throw new UsageError(`discount limits: --${option} takes CUR=AMOUNT (EUR=15.00), got "${pair}"`)
      const currency = (match[1] ?? '').toUpperCase()
      const entry = amounts.get(currency) ?? { currency, lineAmount: null, orderAmount: null }
      const key = option === 'line-amount' ? 'lineAmount' : 'orderAmount'
      if (entry[key] !== null) throw new UsageError(`discount limits: --${option} is given twice for ${currency}`)
      entry[key] = match[2] ?? ''
      amounts.set(currency, entry)
    }
  }
  await migrateToLatest(deps.db)
  const merchant = await requireMerchant(deps, values.merchant)
  let limits: DiscountLimit[]
  if (role === undefined) limits = await getDiscountLimits(deps.db, merchant.id)
  else {
    const optionOf = { MaxLinePercent: '--line-percent', MaxOrderPercent: '--order-percent', MaxLineAmount: '--line-amount', MaxOrderAmount: '--order-amount', Currency: '--line-amount/--order-amount' } as const
    const entries = [...amounts.values()]
    const wanted: GivenLimit = { role, linePercent: values['line-percent'] ?? null, orderPercent: values['order-percent'] ?? null, amounts: entries }
    const [parsed] = parseDiscountLimits([wanted], (field, _i, j) => `${optionOf[field]}${j === undefined ? '' : ` ${entries[j]?.currency ?? ''}`}`)
    if (parsed === undefined) throw new Error('no limit parsed')
    limits = await setRoleDiscountLimit(deps.db, merchant.id, parsed, (field) => field === 'Role' ? '--role' : '--line-amount/--order-amount')
  }
  out({ merchant: merchant.code, limits: presentDiscountLimits(limits) })
}

/**
 * `discount reasons`: prints the merchant's discount reason codes; --reason CODE=NAME (repeated)
 * replaces them all, --none removes them, through setDiscountReasons and its rules.
 */
async function discountReasons (deps: Deps, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { merchant: { type: 'string' }, reason: { type: 'string', multiple: true }, none: { type: 'boolean', default: false } } })
  if (values.merchant === undefined) throw new UsageError('discount reasons needs --merchant CODE')
  const pairs = values.reason ?? []
  if (values.none && pairs.length > 0) throw new UsageError('discount reasons takes --reason CODE=NAME... or --none, not both')
  const reasons = pairs.map((pair) => {
    const match = /^([^=]*)=(.*)$/.exec(pair)
    if (match === null) throw new UsageError(`discount reasons: --reason takes CODE=NAME (PRICE_MATCH="Price match"), got "${pair}"`)
    return { code: match[1] ?? '', name: match[2] ?? '' }
  })
  await migrateToLatest(deps.db)
  const merchant = await requireMerchant(deps, values.merchant)
  const stored = values.none || reasons.length > 0
    ? await setDiscountReasons(deps.db, merchant.id, reasons, (field, i) => `--reason ${reasons[i]?.code ?? ''} (${field === 'Code' ? 'code' : 'name'})`)
    : await getDiscountReasons(deps.db, merchant.id)
  out({ merchant: merchant.code, reasons: stored })
}

function isOneOf<T extends string> (choices: readonly T[], value: string): value is T {
  return (choices as readonly string[]).includes(value)
}

async function requireMerchant (deps: Deps, code: string): Promise<Merchant> {
  const merchant = await findMerchantByCode(deps.db, code)
  if (merchant === undefined) throw new Error(`unknown merchant "${code}"`)
  return merchant
}

class UsageError extends Error {}

// The CLI's output is its JSON line; the use cases' log lines have no reader here.
const SILENT = createLogger({ level: 'silent', destination: { write: () => true } })

/**
 * A secret or password from one line of standard input (`--<flag>-stdin`, a pipe or a
 * terminal) or else from the environment variable; one given as an argument is refused, since
 * every user of the machine sees arguments in `ps` (and shells keep them in their history).
 */
async function secretInput (input: { given: string | undefined, stdin: boolean, what: string, flag: string, env: string | undefined }): Promise<string | undefined> {
  const ways = `pipe it to --${input.flag}-stdin${input.env !== undefined ? ` or set ${input.env}` : ''}`
  if (input.given !== undefined) throw new UsageError(`a ${input.what} is never taken as an argument (every user of the machine sees arguments in ps): ${ways}`)
  if (input.stdin) {
    const line = await readStdinLine()
    if (line === '') throw new UsageError(`--${input.flag}-stdin: no ${input.what} on standard input`)
    return line
  }
  const fromEnv = input.env === undefined ? undefined : process.env[input.env]
  return fromEnv === '' ? undefined : fromEnv
}

/** The first line of standard input, without its line ending ('' when stdin is empty). */
async function readStdinLine (): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    chunks.push(chunk)
    if (chunk.includes(0x0a)) break
  }
  const text = Buffer.concat(chunks).toString('utf8')
  const end = text.indexOf('\n')
  return (end === -1 ? text : text.slice(0, end)).replace(/\r$/, '')
}

function out (value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n')
}

function oneLine (err: unknown): string {
  if (err instanceof AppError) return [err.message, ...(err.fields ?? []).map((f) => `${f.path}: ${f.message}`)].join('; ')
  if ((err as { code?: string } | undefined)?.code === '23505') return 'already exists (unique constraint)'
  return failureReason(err, configSecrets(process.env))
}

/** The `ordergate` command line. Errors exit non-zero with a one-line reason. */
export async function runCli (argv: string[]): Promise<number> {
  const [name, ...args] = argv
  if (name === 'start') {
    await import('./server.js')
    return -1 // the server keeps the process alive
  }
  const command = name === undefined ? undefined : COMMANDS[name]
  if (command === undefined || name === undefined || name === 'help' || name === '--help') {
    process.stdout.write(USAGE + '\n')
    return name === undefined || name === 'help' || name === '--help' ? 0 : 64
  }
  let deps: Deps | undefined
  try {
    deps = await createDeps(loadConfig(process.env))
    await command(deps, args)
    return 0
  } catch (err) {
    process.stderr.write(`ordergate ${name}: ${oneLine(err)}\n`)
    return err instanceof UsageError ? 64 : 1
  } finally {
    await deps?.database.close()
  }
}
