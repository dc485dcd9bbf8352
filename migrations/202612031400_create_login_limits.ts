import { sql, type Kysely } from 'kysely'

/**
 * The login rate limiter's counts (src/auth/rate-limiter.ts), shared by every ordergate process
 * on the database (issue 20): three kinds of row, by key prefix —
 * - `a:ADDRESS`: failures and reservations of one client address, whatever it tried;
 * - `p:CREDENTIAL|ADDRESS`: the same for one credential from one address, and when that address
 *   last logged in with it (`trusted_at`);
 * - `c:CREDENTIAL`: the credential's token bucket (`tokens`, refilled from `updated_at`).
 * A reservation is one call of login_limit_begin, an attempt's end one call of login_limit_end:
 * each locks its rows (address, pair, bucket, always in that order, so two calls never deadlock)
 * and decides under the locks, so concurrent attempts on any process count exactly once.
 * `pending` reservations lapse at `pending_until` (a process that died mid-check leaves none for
 * good). A row past `expires_at` means the same as no row and may be deleted.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('login_limits')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('failures', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('pending', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('pending_until', 'timestamptz')
    .addColumn('window_start', 'timestamptz', (col) => col.notNull())
    .addColumn('tokens', 'double precision')
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull())
    .addColumn('trusted_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('login_limits_expires_idx').on('login_limits').column('expires_at').execute()

  // Returns refusal null and the attempt's flags, or the refusal ('address',
  // 'credential-from-address', 'credential-throttled') with nothing reserved.
  await sql`
create function login_limit_begin(p_address text, p_pair text, p_bucket text, p_now timestamptz,
  p_window_seconds double precision, p_max_failures integer, p_address_max_failures integer,
  p_lease_seconds double precision, p_trust_seconds double precision)
returns table (refusal text, trusted boolean, took_token boolean)
language plpgsql as $$
declare
  win interval := make_interval(secs => p_window_seconds);
  a login_limits;
  p login_limits;
  b login_limits;
  first_from_address boolean;
begin
  took_token := false;
  trusted := false;
  -- Each row is created or locked as it is read (ON CONFLICT DO UPDATE locks the existing row).
  insert into login_limits as l (key, window_start, updated_at, expires_at) values (p_address, p_now, p_now, p_now)
    on conflict (key) do update set key = l.key returning * into a;
  insert into login_limits as l (key, window_start, updated_at, expires_at) values (p_pair, p_now, p_now, p_now)
    on conflict (key) do update set key = l.key returning * into p;
  -- The window restarts in place, so attempts still in flight keep their reservation.
  if p_now - a.window_start >= win then a.failures := 0; a.window_start := p_now; end if;
  if p_now - p.window_start >= win then p.failures := 0; p.window_start := p_now; end if;
  if a.pending_until is null or a.pending_until <= p_now then a.pending := 0; end if;
  if p.pending_until is null or p.pending_until <= p_now then p.pending := 0; end if;

  if a.failures + a.pending >= p_address_max_failures then
    refusal := 'address';
  elsif p.failures + p.pending >= p_max_failures then
    refusal := 'credential-from-address';
  else
    insert into login_limits as l (key, window_start, updated_at, expires_at, tokens) values (p_bucket, p_now, p_now, p_now, p_max_failures)
      on conflict (key) do update set key = l.key returning * into b;
    b.tokens := least(p_max_failures::double precision,
      coalesce(b.tokens, p_max_failures) + greatest(0, extract(epoch from p_now - b.updated_at)) * p_max_failures / p_window_seconds);
    b.updated_at := p_now;
    first_from_address := p.failures + p.pending = 0;
    trusted := p.trusted_at is not null and p_now - p.trusted_at < make_interval(secs => p_trust_seconds);
    if b.tokens >= 1 then
      b.tokens := b.tokens - 1;
      took_token := true;
    elsif not first_from_address and not trusted then
      refusal := 'credential-throttled';
    end if;
    update login_limits set tokens = b.tokens, updated_at = p_now,
      expires_at = p_now + make_interval(secs => (p_max_failures - b.tokens) * p_window_seconds / p_max_failures)
      where key = p_bucket;
    if refusal is null then
      a.pending := a.pending + 1;
      p.pending := p.pending + 1;
      a.pending_until := p_now + make_interval(secs => p_lease_seconds);
      p.pending_until := a.pending_until;
    end if;
  end if;
  update login_limits set failures = a.failures, pending = a.pending, pending_until = a.pending_until, window_start = a.window_start,
    updated_at = p_now, expires_at = greatest(a.window_start + win, a.pending_until)
    where key = p_address;
  update login_limits set failures = p.failures, pending = p.pending, pending_until = p.pending_until, window_start = p.window_start,
    updated_at = p_now, expires_at = greatest(p.window_start + win, p.pending_until, p.trusted_at + make_interval(secs => p_trust_seconds))
    where key = p_pair;
  return next;
end
$$`.execute(db)

  // p_outcome: 'succeeded' (the pair's failures forgotten, the address trusted with the
  // credential), 'failed' (counted on the address and the pair) or 'released'; the token taken
  // comes back unless the attempt failed.
  await sql`
create function login_limit_end(p_address text, p_pair text, p_bucket text, p_outcome text, p_took_token boolean,
  p_now timestamptz, p_window_seconds double precision, p_max_failures integer, p_trust_seconds double precision)
returns void
language plpgsql as $$
declare
  win interval := make_interval(secs => p_window_seconds);
  failed integer := case when p_outcome = 'failed' then 1 else 0 end;
begin
  update login_limits set pending = greatest(0, pending - 1), failures = failures + failed,
    expires_at = greatest(expires_at, window_start + win)
    where key = p_address;
  update login_limits set pending = greatest(0, pending - 1),
    failures = case when p_outcome = 'succeeded' then 0 else failures + failed end,
    trusted_at = case when p_outcome = 'succeeded' then p_now else trusted_at end,
    expires_at = greatest(expires_at, window_start + win, case when p_outcome = 'succeeded' then p_now + make_interval(secs => p_trust_seconds) end)
    where key = p_pair;
  if p_took_token and p_outcome <> 'failed' then
    update login_limits set tokens = least(p_max_failures::double precision, tokens + 1) where key = p_bucket;
  end if;
end
$$`.execute(db)
}

export async function down (db: Kysely<any>): Promise<void> {
  await sql`drop function login_limit_end(text, text, text, text, boolean, timestamptz, double precision, integer, double precision)`.execute(db)
  await sql`drop function login_limit_begin(text, text, text, timestamptz, double precision, integer, integer, double precision, double precision)`.execute(db)
  await db.schema.dropTable('login_limits').execute()
}
