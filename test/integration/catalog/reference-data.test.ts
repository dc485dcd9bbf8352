import t from 'tap'
import { loadCatalogFile } from '../../../src/catalog/catalog-store.js'
import { CountrySchema, CurrencySchema } from '../../../src/catalog/catalog-wire.js'
import { B_CATALOG, BACKENDS, fieldsOf, lookupMerchants } from '../../helpers/catalog-lookups.js'

// getAvailableCountries and getAvailableCurrencies (issue 18, item 4).

for (const [backend, open] of BACKENDS) {
  t.test(`on ${backend}`, async (t) => {
    const { ta, a, b } = await lookupMerchants(t, open)

    t.test('getAvailableCountries: every ISO 3166-1 country with its English name, sorted by name', async (t) => {
      const reply = await ta.rpc('getAvailableCountries', [a.apiSession])
      const countries = reply.result as Array<{ Code: string, Name: string }>
      t.equal(countries.length, 249, 'the 249 officially assigned codes')
      t.equal(new Set(countries.map((c) => c.Code)).size, 249, 'each once')
      t.ok(countries.every((c) => /^[A-Z]{2}$/.test(c.Code) && c.Name !== c.Code && CountrySchema.safeParse(c).success), 'upper-case codes, each with a name, each valid against the schema')
      t.same(countries.filter((c) => ['DE', 'US', 'GB', 'CI'].includes(c.Code)), [
        { Code: 'CI', Name: 'Côte d’Ivoire' },
        { Code: 'DE', Name: 'Germany' },
        { Code: 'GB', Name: 'United Kingdom' },
        { Code: 'US', Name: 'United States' }
      ])
      const names = countries.map((c) => c.Name)
      t.same(names, [...names].sort(new Intl.Collator('en').compare), 'sorted as English sorts')
      t.same((await ta.rpc('getAvailableCountries', [a.staffSession, 'en'])).result, countries, 'the same for staff, and with language "en"')
      t.same((await ta.rpc('getAvailableCountries', { sessionID: b.apiSession, language: null })).result, countries, 'the same for every merchant: ordergate sells to every country')
    })

    t.test('getAvailableCountries translates the names into the language asked for', async (t) => {
      const name = async (language: string, code: string) => ((await ta.rpc('getAvailableCountries', [a.apiSession, language])).result as Array<{ Code: string, Name: string }>).find((c) => c.Code === code)?.Name
      t.equal(await name('de', 'DE'), 'Deutschland')
      t.equal(await name('FR', 'DE'), 'Allemagne', 'the language code in any case')
      t.equal(await name('nl', 'US'), 'Verenigde Staten')
      const german = (await ta.rpc('getAvailableCountries', [a.apiSession, 'de'])).result as Array<{ Name: string }>
      t.same(german.map((c) => c.Name), german.map((c) => c.Name).sort(new Intl.Collator('de').compare), 'sorted as German sorts')
    })

    t.test('getAvailableCountries refuses a language that is not ISO 639-1', async (t) => {
      for (const language of ['xx', 'deu', 'de-DE', '']) {
        t.same(fieldsOf(await ta.rpc('getAvailableCountries', [a.apiSession, language])), [['language', 'FIELD_INVALID']], JSON.stringify(language))
      }
      t.same(fieldsOf(await ta.rpc('getAvailableCountries', [a.apiSession, 7])), [['language', 'FIELD_TYPE_INVALID']])
    })

    t.test('getAvailableCurrencies: the currencies the merchant\'s own catalog sells in, with their decimals', async (t) => {
      const reply = await ta.rpc('getAvailableCurrencies', [a.apiSession])
      t.same(reply.result, [
        { Code: 'EUR', Name: 'Euro', Decimals: 2 },
        { Code: 'GBP', Name: 'British Pound', Decimals: 2 },
        { Code: 'USD', Name: 'US Dollar', Decimals: 2 }
      ], 'A: the demo catalog\'s currencies')
      t.ok((reply.result as unknown[]).every((c) => CurrencySchema.safeParse(c).success), 'each valid against the schema')
      t.same((await ta.rpc('getAvailableCurrencies', [b.staffSession])).result, [
        { Code: 'EUR', Name: 'Euro', Decimals: 2 },
        { Code: 'JPY', Name: 'Japanese Yen', Decimals: 0 },
        { Code: 'USD', Name: 'US Dollar', Decimals: 3 }
      ], 'B: its own, with its USD override, and JPY only an unpublished product has')
      t.same((await ta.rpc('getAvailableCurrencies', [b.apiSession, 'de', 'cc'])).result?.map((c: { Code: string }) => c.Code), ['EUR', 'JPY', 'USD'], 'countryCode and paymentMethod do not narrow the list')
      t.ok((await loadCatalogFile(ta.db.db, b.merchantId, { ...B_CATALOG, products: B_CATALOG.products.filter((p) => p.code !== 'HIDDEN-1') })).ok)
      t.same((await ta.rpc('getAvailableCurrencies', [b.apiSession])).result?.map((c: { Code: string }) => c.Code), ['EUR', 'USD'], 'an archived product\'s currencies are gone (a shipping method\'s JPY price alone sells nothing)')
    })

    t.test('getAvailableCurrencies takes countryCode and paymentMethod together or not at all', async (t) => {
      const refused = async (...params: unknown[]) => fieldsOf(await ta.rpc('getAvailableCurrencies', [a.apiSession, ...params]))
      t.same(await refused('RO'), [['paymentMethod', 'FIELD_INVALID']])
      t.same(await refused(null, 'CC'), [['countryCode', 'FIELD_INVALID']])
      t.same(await refused('ZZ', 'CC'), [['countryCode', 'FIELD_INVALID']])
      t.same(await refused('RO', 'BITCOIN'), [['paymentMethod', 'FIELD_INVALID']])
      t.same(fieldsOf(await ta.rpc('getAvailableCurrencies', { sessionID: a.apiSession, currency: 'USD' })), [['currency', 'PARAM_UNKNOWN']])
    })
  })
}
