import { sql, type Kysely } from 'kysely'

// Money design, for every table below: an amount per currency is a ROW (currency char(3),
// amount_minor bigint check >= 0), never a jsonb map. A jsonb map would hold JSON numbers the
// database can neither type as int8 nor check, and the house rule is that money lives in
// bigint columns with its currency; the read path folds the rows back into maps with
// jsonb_object_agg in the same statement, so rows cost no extra round trip.
const CURRENCY = sql`currency ~ '^[A-Z]{3}$'`

// Products, promotions and shipping methods that a later catalog file no longer names are
// ARCHIVED (archived_at set), not deleted: a promotion's use count must survive a reload that
// drops and re-adds it (else max_uses could be reset), and so must stock reservations.

export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('products')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('merchant_id', 'bigint', (col) => col.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('code', 'text', (col) => col.notNull().check(sql`length(code) between 1 and 256`))
    .addColumn('name', 'text', (col) => col.notNull().check(sql`length(name) between 1 and 255`))
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('DIGITAL', 'PHYSICAL')`))
    .addColumn('published', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('allow_custom_price', 'boolean', (col) => col.notNull().defaultTo(false))
    // A trial is present when trial_period_days is; its prices are product_prices rows of type TRIAL.
    .addColumn('trial_allowed', 'boolean')
    .addColumn('trial_period_days', 'integer', (col) => col.check(sql`trial_period_days between 1 and 3650`))
    .addColumn('subscription_cycle_unit', 'text', (col) => col.check(sql`subscription_cycle_unit in ('DAY', 'MONTH')`))
    .addColumn('subscription_cycle_length', 'integer', (col) => col.check(sql`subscription_cycle_length >= 1`))
    // Variant attributes (color, size, …): a flat object of strings, searched by staff.
    .addColumn('attributes', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`).check(sql`jsonb_typeof(attributes) = 'object'`))
    // The product's place in the catalog file, so the catalog reads back in the merchant's order.
    .addColumn('position', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('archived_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('products_merchant_code_key', ['merchant_id', 'code'])
    .addCheckConstraint('products_trial_check', sql`(trial_allowed is null) = (trial_period_days is null)`)
    .addCheckConstraint('products_subscription_check', sql`(subscription_cycle_unit is null) = (subscription_cycle_length is null)`)
    .execute()

  await db.schema.createTable('product_prices')
    .addColumn('product_id', 'bigint', (col) => col.notNull().references('products.id').onDelete('cascade'))
    // LIST: the net list price; TRIAL: the trial's unit price.
    .addColumn('price_type', 'text', (col) => col.notNull().check(sql`price_type in ('LIST', 'TRIAL')`))
    .addColumn('currency', 'char(3)', (col) => col.notNull().check(CURRENCY))
    .addColumn('amount_minor', 'bigint', (col) => col.notNull().check(sql`amount_minor >= 0`))
    .addPrimaryKeyConstraint('product_prices_pkey', ['product_id', 'price_type', 'currency'])
    .execute()

  await db.schema.createTable('price_option_groups')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('product_id', 'bigint', (col) => col.notNull().references('products.id').onDelete('cascade'))
    .addColumn('code', 'text', (col) => col.notNull().check(sql`length(code) between 1 and 256`))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('required', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('position', 'integer', (col) => col.notNull().defaultTo(0))
    .addUniqueConstraint('price_option_groups_product_code_key', ['product_id', 'code'])
    // Target of price_options' composite key, which ties an option's product to its group's.
    .addUniqueConstraint('price_option_groups_id_product_key', ['id', 'product_id'])
    .execute()

  await db.schema.createTable('price_options')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('group_id', 'bigint', (col) => col.notNull())
    // Clients send bare option codes (Items[].PriceOptions): unique per product, not per group.
    .addColumn('product_id', 'bigint', (col) => col.notNull())
    .addColumn('code', 'text', (col) => col.notNull().check(sql`length(code) between 1 and 256`))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('position', 'integer', (col) => col.notNull().defaultTo(0))
    .addForeignKeyConstraint('price_options_group_fkey', ['group_id', 'product_id'], 'price_option_groups', ['id', 'product_id'], (fk) => fk.onDelete('cascade'))
    .addUniqueConstraint('price_options_product_code_key', ['product_id', 'code'])
    .execute()
  await db.schema.createIndex('price_options_group_idx').on('price_options').column('group_id').execute()

  await db.schema.createTable('price_option_modifiers')
    .addColumn('option_id', 'bigint', (col) => col.notNull().references('price_options.id').onDelete('cascade'))
    .addColumn('currency', 'char(3)', (col) => col.notNull().check(CURRENCY))
    .addColumn('amount_minor', 'bigint', (col) => col.notNull().check(sql`amount_minor >= 0`))
    .addPrimaryKeyConstraint('price_option_modifiers_pkey', ['option_id', 'currency'])
    .execute()

  await db.schema.createTable('product_skus')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('product_id', 'bigint', (col) => col.notNull().references('products.id').onDelete('cascade'))
    .addColumn('code', 'text', (col) => col.notNull().check(sql`length(code) between 1 and 256`))
    .addColumn('name', 'text')
    .addColumn('attributes', 'jsonb', (col) => col.notNull().defaultTo(sql`'{}'::jsonb`).check(sql`jsonb_typeof(attributes) = 'object'`))
    // Codes of this product's price options that the SKU stands for (checked when the file is
    // parsed; options are replaced together with their product, so a key would add nothing).
    .addColumn('price_options', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('position', 'integer', (col) => col.notNull().defaultTo(0))
    .addUniqueConstraint('product_skus_product_code_key', ['product_id', 'code'])
    .execute()

  // Stock of PHYSICAL products. `reserved` belongs to the order side (held with
  // SELECT … FOR UPDATE); a catalog load sets on_hand and backorder_limit and never touches it.
  await db.schema.createTable('inventory')
    .addColumn('product_id', 'bigint', (col) => col.primaryKey().references('products.id').onDelete('cascade'))
    .addColumn('on_hand', 'integer', (col) => col.notNull().check(sql`on_hand >= 0`))
    .addColumn('backorder_limit', 'integer', (col) => col.notNull().defaultTo(0).check(sql`backorder_limit >= 0`))
    .addColumn('reserved', 'integer', (col) => col.notNull().defaultTo(0).check(sql`reserved >= 0`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema.createTable('cross_sell_campaigns')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('merchant_id', 'bigint', (col) => col.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('code', 'text', (col) => col.notNull().check(sql`length(code) between 1 and 256`))
    .addColumn('parent_product_id', 'bigint', (col) => col.notNull().references('products.id').onDelete('cascade'))
    .addColumn('product_id', 'bigint', (col) => col.notNull().references('products.id').onDelete('cascade'))
    .addColumn('discount_type', 'text', (col) => col.notNull().check(sql`discount_type in ('PERCENT', 'AMOUNT')`))
    // PERCENT campaigns: basis points; AMOUNT campaigns: cross_sell_campaign_amounts rows.
    .addColumn('discount_bp', 'integer', (col) => col.check(sql`discount_bp between 0 and 10000`))
    .addColumn('position', 'integer', (col) => col.notNull().defaultTo(0))
    .addUniqueConstraint('cross_sell_campaigns_merchant_code_key', ['merchant_id', 'code'])
    .addCheckConstraint('cross_sell_campaigns_parent_check', sql`parent_product_id <> product_id`)
    .addCheckConstraint('cross_sell_campaigns_discount_check', sql`(discount_type = 'PERCENT') = (discount_bp is not null)`)
    .execute()
  await db.schema.createIndex('cross_sell_campaigns_product_idx').on('cross_sell_campaigns').column('product_id').execute()
  await db.schema.createIndex('cross_sell_campaigns_parent_idx').on('cross_sell_campaigns').column('parent_product_id').execute()

  await db.schema.createTable('cross_sell_campaign_amounts')
    .addColumn('campaign_id', 'bigint', (col) => col.notNull().references('cross_sell_campaigns.id').onDelete('cascade'))
    .addColumn('currency', 'char(3)', (col) => col.notNull().check(CURRENCY))
    .addColumn('amount_minor', 'bigint', (col) => col.notNull().check(sql`amount_minor >= 0`))
    .addPrimaryKeyConstraint('cross_sell_campaign_amounts_pkey', ['campaign_id', 'currency'])
    .execute()

  await db.schema.createTable('promotions')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('merchant_id', 'bigint', (col) => col.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('code', 'text', (col) => col.notNull().check(sql`length(code) between 1 and 64`))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull().check(sql`type in ('PERCENT', 'FIXED')`))
    // PERCENT promotions: basis points (0 for FIXED ones, whose amounts are promotion_amounts rows).
    .addColumn('percent_bp', 'integer', (col) => col.notNull().defaultTo(0).check(sql`percent_bp between 0 and 10000`))
    .addColumn('applies_to', 'text', (col) => col.notNull().check(sql`applies_to in ('PRODUCTS', 'ORDER')`))
    // Empty arrays mean every product / every currency.
    .addColumn('product_codes', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('currencies', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('valid_from', 'timestamptz')
    .addColumn('valid_until', 'timestamptz')
    .addColumn('max_uses', 'integer', (col) => col.check(sql`max_uses >= 1`))
    // Counted when an order is placed (SPEC §5), atomically against max_uses.
    .addColumn('uses', 'integer', (col) => col.notNull().defaultTo(0).check(sql`uses >= 0`))
    .addColumn('enabled', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('position', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('archived_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('promotions_validity_check', sql`valid_from is null or valid_until is null or valid_from < valid_until`)
    .execute()
  // Coupons are matched case-insensitively, so "welcome10" and "WELCOME10" are one code.
  await sql`create unique index promotions_merchant_code_key on promotions (merchant_id, upper(code))`.execute(db)

  await db.schema.createTable('promotion_amounts')
    .addColumn('promotion_id', 'bigint', (col) => col.notNull().references('promotions.id').onDelete('cascade'))
    .addColumn('currency', 'char(3)', (col) => col.notNull().check(CURRENCY))
    .addColumn('amount_minor', 'bigint', (col) => col.notNull().check(sql`amount_minor >= 0`))
    .addPrimaryKeyConstraint('promotion_amounts_pkey', ['promotion_id', 'currency'])
    .execute()

  await db.schema.createTable('shipping_methods')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('merchant_id', 'bigint', (col) => col.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('code', 'text', (col) => col.notNull().check(sql`length(code) between 1 and 256`))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('is_default', 'boolean', (col) => col.notNull().defaultTo(false))
    .addColumn('position', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('archived_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('shipping_methods_merchant_code_key', ['merchant_id', 'code'])
    .addCheckConstraint('shipping_methods_archived_default_check', sql`archived_at is null or not is_default`)
    .execute()
  await sql`create unique index shipping_methods_one_default_key on shipping_methods (merchant_id) where is_default`.execute(db)

  await db.schema.createTable('shipping_method_prices')
    .addColumn('shipping_method_id', 'bigint', (col) => col.notNull().references('shipping_methods.id').onDelete('cascade'))
    .addColumn('currency', 'char(3)', (col) => col.notNull().check(CURRENCY))
    .addColumn('amount_minor', 'bigint', (col) => col.notNull().check(sql`amount_minor >= 0`))
    .addPrimaryKeyConstraint('shipping_method_prices_pkey', ['shipping_method_id', 'currency'])
    .execute()

  // Countries not listed pay 0.
  await db.schema.createTable('vat_rates')
    .addColumn('merchant_id', 'bigint', (col) => col.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('country', 'char(2)', (col) => col.notNull().check(sql`country ~ '^[A-Z]{2}$'`))
    .addColumn('basis_points', 'integer', (col) => col.notNull().check(sql`basis_points between 0 and 10000`))
    .addPrimaryKeyConstraint('vat_rates_pkey', ['merchant_id', 'country'])
    .execute()

  // The catalog file's `currencies`: minor-unit exponents for codes ordergate does not know, or overrides.
  await db.schema.createTable('merchant_currencies')
    .addColumn('merchant_id', 'bigint', (col) => col.notNull().references('merchants.id').onDelete('cascade'))
    .addColumn('currency', 'char(3)', (col) => col.notNull().check(CURRENCY))
    .addColumn('minor_units', 'integer', (col) => col.notNull().check(sql`minor_units between 0 and 4`))
    .addPrimaryKeyConstraint('merchant_currencies_pkey', ['merchant_id', 'currency'])
    .execute()
}

export async function down (db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('merchant_currencies').execute()
  await db.schema.dropTable('vat_rates').execute()
  await db.schema.dropTable('shipping_method_prices').execute()
  await db.schema.dropTable('shipping_methods').execute()
  await db.schema.dropTable('promotion_amounts').execute()
  await db.schema.dropTable('promotions').execute()
  await db.schema.dropTable('cross_sell_campaign_amounts').execute()
  await db.schema.dropTable('cross_sell_campaigns').execute()
  await db.schema.dropTable('inventory').execute()
  await db.schema.dropTable('product_skus').execute()
  await db.schema.dropTable('price_option_modifiers').execute()
  await db.schema.dropTable('price_options').execute()
  await db.schema.dropTable('price_option_groups').execute()
  await db.schema.dropTable('product_prices').execute()
  await db.schema.dropTable('products').execute()
}
