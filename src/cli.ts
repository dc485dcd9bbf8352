import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { findMerchantByCode, type Merchant } from './auth/merchant-store.js'
import { createMerchant } from './auth/merchants.js'
import { createMerchantUser } from './auth/merchant-users.js'
import { formatCatalogIssues } from './catalog/catalog-file.js'
import { loadCatalogFile } from './catalog/catalog-store.js'
import { loadDemoCatalog } from './catalog/demo.js'
import { loadConfig } from './config.js'
import { migrateDown, migrateToLatest } from './db/migrate.js'
import { createDeps, type Deps } from './deps.js'
import { AppError } from './errors.js'
import { configSecrets, failureReason } from './failure-reason.js'
import { sweepOverdueOrders } from './orders/order-lifecycle.js'

const USAGE = `usage:
  ordergate migrate [up|down] [--step]          apply every migration (up), or revert them all (down; --step: only the latest)
  ordergate merchant create --code CODE [--secret S] [--name NAME] [--po-auto-approve]
  ordergate catalog load --merchant CODE FILE.json  replace the merchant's catalog with the file's (prints a summary)
  ordergate demo --merchant CODE                 load the demo catalog for the merchant
  ordergate user create --merchant CODE --username U --password P [--privilege P]... [--name NAME]
                                                 create a merchant user (staff); privileges: PLACE_ORDERS_ON_BEHALF, MANAGE_CUSTOMERS,
                                                 REPLACEMENT_ORDERS, APPROVE_FRAUD, CANCEL_ORDERS, or the roles AGENT, SUPERVISOR
  ordergate sweep                                cancel purchase orders unpaid after their payment terms (prints the RefNos)
  ordergate start                                run the server (same as npm start)
Uses DATABASE_URL when set, else the embedded database under DATA_DIR (default ./data).`

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
    if (sub !== 'create') throw new UsageError('merchant takes: create --code CODE [--secret S] [--po-auto-approve]')
    const { values } = parseArgs({
      args: rest,
      options: { code: { type: 'string' }, secret: { type: 'string' }, name: { type: 'string' }, 'po-auto-approve': { type: 'boolean', default: false } }
    })
    if (values.code === undefined) throw new UsageError('merchant create needs --code CODE')
    await migrateToLatest(deps.db)
    const { merchant, secret } = await createMerchant(deps, {
      code: values.code,
      ...(values.secret !== undefined ? { secret: values.secret } : {}),
      ...(values.name !== undefined ? { name: values.name } : {}),
      poAutoApprove: values['po-auto-approve']
    })
    out({ code: merchant.code, secret })
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
    out(await sweepOverdueOrders(deps))
  },
  async user (deps, args) {
    const [sub, ...rest] = args
    if (sub !== 'create') throw new UsageError('user takes: create --merchant CODE --username U --password P [--privilege P]...')
    const { values } = parseArgs({
      args: rest,
      options: { merchant: { type: 'string' }, username: { type: 'string' }, password: { type: 'string' }, privilege: { type: 'string', multiple: true }, name: { type: 'string' } }
    })
    if (values.merchant === undefined || values.username === undefined || values.password === undefined) throw new UsageError('user create needs --merchant CODE --username U --password P')
    await migrateToLatest(deps.db)
    const merchant = await requireMerchant(deps, values.merchant)
    const user = await createMerchantUser(deps.db, merchant.id, {
      username: values.username,
      password: values.password,
      privileges: (values.privilege ?? []).flatMap((p) => p.split(',')).filter((p) => p !== ''),
      ...(values.name !== undefined ? { displayName: values.name } : {})
    })
    out({ merchant: merchant.code, userId: Number(user.id), username: user.username, privileges: user.privileges })
  },
  async demo (deps, args) {
    const { values } = parseArgs({ args, options: { merchant: { type: 'string' } } })
    if (values.merchant === undefined) throw new UsageError('demo needs --merchant CODE')
    await migrateToLatest(deps.db)
    const merchant = await requireMerchant(deps, values.merchant)
    out({ merchant: merchant.code, ...await loadDemoCatalog(deps.db, merchant.id) })
  }
}

async function requireMerchant (deps: Deps, code: string): Promise<Merchant> {
  const merchant = await findMerchantByCode(deps.db, code)
  if (merchant === undefined) throw new Error(`unknown merchant "${code}"`)
  return merchant
}

class UsageError extends Error {}

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
