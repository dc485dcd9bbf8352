// First line of `npm test`: says which database the integration tests will use.
// CI always runs on the real server: there, no PostgreSQL is a failure, not a fallback.
import pg from 'pg'

const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
try {
  await client.connect()
  const { rows } = await client.query('show server_version')
  console.log(`npm test: integration tests run on PostgreSQL ${rows[0].server_version} at ${url.replace(/\/\/[^@]*@/, '//')}`)
} catch (err) {
  if (process.env.CI === 'true') {
    console.error(`npm test: no PostgreSQL answers at ${url} (${err.message}); CI must run on the real server`)
    process.exit(1)
  }
  console.log(`npm test: NO PostgreSQL answers at ${url} (${err.message}): integration tests run on the EMBEDDED backend (PGlite) instead`)
} finally {
  await client.end().catch(() => {})
}
