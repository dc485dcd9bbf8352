// Pure field checks used by the Order schema: reference lists (ISO 4217, ISO 3166-1, ISO 639-1,
// state lists), checksums (Luhn, IBAN mod-97, CPF/CNPJ) and format checks. No Zod here, so the
// same predicates serve the schema, the post-parse checks and the tests.

function codeSet (list: string): ReadonlySet<string> {
  return new Set(list.trim().split(/\s+/))
}

// ISO 4217 codes of currencies in circulation. Fund codes (BOV, CHE, CHW, CLF, COU, MXV, USN,
// UYI, UYW), precious metals and testing codes (XAU, XAG, XPD, XPT, XBA–XBD, XDR, XSU, XUA, XTS,
// XXX) are left out on purpose: an order cannot be paid in them.
export const CURRENCY_CODES = codeSet(`
  AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
  BYN BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP
  GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS
  KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR
  MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF
  SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD
  TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
`)

// ISO 3166-1 alpha-2, the 249 officially assigned codes.
export const COUNTRY_CODES = codeSet(`
  AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR
  BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ
  EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW
  GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY
  KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV
  MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY
  QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG
  TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM
  ZW
`)

// ISO 639-1 two-letter language codes (lower case, as 2Checkout sends them).
export const LANGUAGE_CODES = codeSet(`
  aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy
  da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu
  hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb
  lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om
  or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw
  ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
`)

// Countries of the EU VAT area (ISO codes; Greece is GR here, EL only in VIES).
export const EU_VAT_COUNTRIES = codeSet(`
  AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK
`)

// Countries where a Company must come with a business tax id (SPEC §3).
export const COMPANY_FISCAL_CODE_COUNTRIES: ReadonlySet<string> = new Set([...EU_VAT_COUNTRIES, 'GB', 'BR', 'IN'])

export const isCurrencyCode = (value: string): boolean => CURRENCY_CODES.has(value.toUpperCase())
export const isCountryCode = (value: string): boolean => COUNTRY_CODES.has(value.toUpperCase())
export const isLanguageCode = (value: string): boolean => LANGUAGE_CODES.has(value.toLowerCase())

// ---------------------------------------------------------------------------------------------
// States. 2Checkout: "Use case insensitive utf8 strings for the full name, or just the two-letter
// code." Each entry is `CODE|Name|Other accepted name…`. Names are compared folded (case,
// diacritics, Turkish dotless i, hyphens), so "São Paulo", "sao paulo" and "SP" all match.

export const STATE_COUNTRIES = ['US', 'CA', 'BR', 'TR', 'IN', 'RO'] as const
export type StateCountry = typeof STATE_COUNTRIES[number]

const STATE_LISTS: Record<StateCountry, readonly string[]> = {
  US: [
    'AL|Alabama', 'AK|Alaska', 'AZ|Arizona', 'AR|Arkansas', 'CA|California', 'CO|Colorado',
    'CT|Connecticut', 'DE|Delaware', 'DC|District of Columbia|Washington DC', 'FL|Florida',
    'GA|Georgia', 'HI|Hawaii', 'ID|Idaho', 'IL|Illinois', 'IN|Indiana', 'IA|Iowa', 'KS|Kansas',
    'KY|Kentucky', 'LA|Louisiana', 'ME|Maine', 'MD|Maryland', 'MA|Massachusetts', 'MI|Michigan',
    'MN|Minnesota', 'MS|Mississippi', 'MO|Missouri', 'MT|Montana', 'NE|Nebraska', 'NV|Nevada',
    'NH|New Hampshire', 'NJ|New Jersey', 'NM|New Mexico', 'NY|New York', 'NC|North Carolina',
    'ND|North Dakota', 'OH|Ohio', 'OK|Oklahoma', 'OR|Oregon', 'PA|Pennsylvania', 'RI|Rhode Island',
    'SC|South Carolina', 'SD|South Dakota', 'TN|Tennessee', 'TX|Texas', 'UT|Utah', 'VT|Vermont',
    'VA|Virginia', 'WA|Washington', 'WV|West Virginia', 'WI|Wisconsin', 'WY|Wyoming',
    'AS|American Samoa', 'GU|Guam', 'MP|Northern Mariana Islands', 'PR|Puerto Rico',
    'VI|Virgin Islands|U.S. Virgin Islands|US Virgin Islands', 'UM|United States Minor Outlying Islands',
    'AA|Armed Forces Americas', 'AE|Armed Forces Europe', 'AP|Armed Forces Pacific'
  ],
  CA: [
    'AB|Alberta', 'BC|British Columbia', 'MB|Manitoba', 'NB|New Brunswick',
    'NL|Newfoundland and Labrador|Newfoundland', 'NS|Nova Scotia', 'NT|Northwest Territories',
    'NU|Nunavut', 'ON|Ontario', 'PE|Prince Edward Island', 'QC|Quebec', 'SK|Saskatchewan', 'YT|Yukon'
  ],
  BR: [
    'AC|Acre', 'AL|Alagoas', 'AP|Amapa', 'AM|Amazonas', 'BA|Bahia', 'CE|Ceara', 'DF|Distrito Federal',
    'ES|Espirito Santo', 'GO|Goias', 'MA|Maranhao', 'MT|Mato Grosso', 'MS|Mato Grosso do Sul',
    'MG|Minas Gerais', 'PA|Para', 'PB|Paraiba', 'PR|Parana', 'PE|Pernambuco', 'PI|Piaui',
    'RJ|Rio de Janeiro', 'RN|Rio Grande do Norte', 'RS|Rio Grande do Sul', 'RO|Rondonia',
    'RR|Roraima', 'SC|Santa Catarina', 'SP|Sao Paulo', 'SE|Sergipe', 'TO|Tocantins'
  ],
  // Turkey's ISO 3166-2 codes are the two-digit plate numbers (TR-01 … TR-81).
  TR: [
    '01|Adana', '02|Adiyaman', '03|Afyonkarahisar|Afyon', '04|Agri', '05|Amasya', '06|Ankara',
    '07|Antalya', '08|Artvin', '09|Aydin', '10|Balikesir', '11|Bilecik', '12|Bingol', '13|Bitlis',
    '14|Bolu', '15|Burdur', '16|Bursa', '17|Canakkale', '18|Cankiri', '19|Corum', '20|Denizli',
    '21|Diyarbakir', '22|Edirne', '23|Elazig', '24|Erzincan', '25|Erzurum', '26|Eskisehir',
    '27|Gaziantep', '28|Giresun', '29|Gumushane', '30|Hakkari', '31|Hatay', '32|Isparta',
    '33|Mersin|Icel', '34|Istanbul', '35|Izmir', '36|Kars', '37|Kastamonu', '38|Kayseri',
    '39|Kirklareli', '40|Kirsehir', '41|Kocaeli', '42|Konya', '43|Kutahya', '44|Malatya',
    '45|Manisa', '46|Kahramanmaras', '47|Mardin', '48|Mugla', '49|Mus', '50|Nevsehir', '51|Nigde',
    '52|Ordu', '53|Rize', '54|Sakarya', '55|Samsun', '56|Siirt', '57|Sinop', '58|Sivas',
    '59|Tekirdag', '60|Tokat', '61|Trabzon', '62|Tunceli', '63|Sanliurfa|Urfa', '64|Usak',
    '65|Van', '66|Yozgat', '67|Zonguldak', '68|Aksaray', '69|Bayburt', '70|Karaman',
    '71|Kirikkale', '72|Batman', '73|Sirnak', '74|Bartin', '75|Ardahan', '76|Igdir', '77|Yalova',
    '78|Karabuk', '79|Kilis', '80|Osmaniye', '81|Duzce'
  ],
  IN: [
    'AN|Andaman and Nicobar Islands', 'AP|Andhra Pradesh', 'AR|Arunachal Pradesh', 'AS|Assam',
    'BR|Bihar', 'CH|Chandigarh', 'CT|Chhattisgarh|CG',
    'DH|Dadra and Nagar Haveli and Daman and Diu|DN|DD|Dadra and Nagar Haveli|Daman and Diu',
    'DL|Delhi|National Capital Territory of Delhi', 'GA|Goa', 'GJ|Gujarat', 'HR|Haryana',
    'HP|Himachal Pradesh', 'JK|Jammu and Kashmir', 'JH|Jharkhand', 'KA|Karnataka', 'KL|Kerala',
    'LA|Ladakh', 'LD|Lakshadweep', 'MP|Madhya Pradesh', 'MH|Maharashtra', 'MN|Manipur',
    'ML|Meghalaya', 'MZ|Mizoram', 'NL|Nagaland', 'OR|Odisha|OD|Orissa', 'PY|Puducherry|Pondicherry',
    'PB|Punjab', 'RJ|Rajasthan', 'SK|Sikkim', 'TN|Tamil Nadu', 'TG|Telangana|TS', 'TR|Tripura',
    'UP|Uttar Pradesh', 'UT|Uttarakhand|UK|Uttaranchal', 'WB|West Bengal'
  ],
  RO: [
    'AB|Alba', 'AR|Arad', 'AG|Arges', 'BC|Bacau', 'BH|Bihor', 'BN|Bistrita-Nasaud', 'BT|Botosani',
    'BV|Brasov', 'BR|Braila', 'B|Bucuresti|Bucharest|Municipiul Bucuresti', 'BZ|Buzau',
    'CS|Caras-Severin', 'CL|Calarasi', 'CJ|Cluj', 'CT|Constanta', 'CV|Covasna', 'DB|Dambovita',
    'DJ|Dolj', 'GL|Galati', 'GR|Giurgiu', 'GJ|Gorj', 'HR|Harghita', 'HD|Hunedoara', 'IL|Ialomita',
    'IS|Iasi', 'IF|Ilfov', 'MM|Maramures', 'MH|Mehedinti', 'MS|Mures', 'NT|Neamt', 'OT|Olt',
    'PH|Prahova', 'SM|Satu Mare', 'SJ|Salaj', 'SB|Sibiu', 'SV|Suceava', 'TR|Teleorman', 'TM|Timis',
    'TL|Tulcea', 'VS|Vaslui', 'VL|Valcea', 'VN|Vrancea'
  ]
}

/** Folds a name for comparison: case, diacritics, Turkish dotless i, punctuation between words. */
export function foldName (value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ı/g, 'i')
    .toLowerCase()
    .replace(/[-_.,']+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

export type StateEntry = { code: string, name: string }

const STATE_INDEX: ReadonlyMap<string, ReadonlyMap<string, StateEntry>> = new Map(
  STATE_COUNTRIES.map((country) => {
    const index = new Map<string, StateEntry>()
    for (const line of STATE_LISTS[country]) {
      const [code = '', name = '', ...aliases] = line.split('|')
      const entry = { code, name }
      for (const key of [code, name, ...aliases]) index.set(foldName(key), entry)
    }
    return [country, index]
  })
)

export const isStateCountry = (country: string): country is StateCountry =>
  (STATE_COUNTRIES as readonly string[]).includes(country)

/** The state of `country` named by `value` (full name or code, case-insensitive), if known. */
export function findState (country: StateCountry, value: string): StateEntry | undefined {
  return STATE_INDEX.get(country)?.get(foldName(value))
}

/** All states of a country (code and reference name), for docs and generators. */
export function statesOf (country: StateCountry): readonly StateEntry[] {
  return STATE_LISTS[country].map((line) => {
    const [code = '', name = ''] = line.split('|')
    return { code, name }
  })
}

// ---------------------------------------------------------------------------------------------
// Cards

export const CARD_TYPES = [
  'visa', 'visaelectron', 'mastercard', 'maestro', 'amex', 'discover', 'dankort', 'cartebleue',
  'jcb', 'hipercard', 'elo'
] as const
export type CardType = typeof CARD_TYPES[number]

/** Luhn (mod 10) over a string of digits. */
export function luhnValid (digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false
  let sum = 0
  let double = false
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
    double = !double
  }
  return sum % 10 === 0
}

// IIN ranges: [from, to] on a prefix of the same length, and the brands a card in that range may
// be declared as. Co-badged ranges list every brand that may legitimately appear (a 4571 card is
// Visa/Dankort, Elo issues inside Visa and Discover ranges, Carte Bleue cards are Visa or
// Mastercard co-badges). A number that matches no range is a brand we cannot tell.
type IinRange = readonly [from: string, to: string, brands: readonly CardType[]]
const VISA_FAMILY: readonly CardType[] = ['visa', 'visaelectron', 'cartebleue']
const IIN_RANGES: readonly IinRange[] = [
  ['4', '4', VISA_FAMILY],
  ['4571', '4571', ['dankort']],
  ['5019', '5019', ['dankort']],
  ['34', '34', ['amex']],
  ['37', '37', ['amex']],
  ['51', '55', ['mastercard', 'cartebleue']],
  ['2221', '2720', ['mastercard']],
  ['3528', '3589', ['jcb']],
  ['6011', '6011', ['discover']],
  ['644', '649', ['discover']],
  ['65', '65', ['discover']],
  ['622126', '622925', ['discover']],
  ['50', '50', ['maestro']],
  ['56', '58', ['maestro']],
  ['639', '639', ['maestro']],
  ['6304', '6304', ['maestro']],
  ['6759', '6759', ['maestro']],
  ['6761', '6763', ['maestro']],
  ['606282', '606282', ['hipercard']],
  ['384100', '384100', ['hipercard']],
  ['384140', '384140', ['hipercard']],
  ['384160', '384160', ['hipercard']],
  ['637095', '637095', ['hipercard']],
  ['637568', '637568', ['hipercard']],
  ['637599', '637599', ['hipercard']],
  ['637609', '637609', ['hipercard']],
  ['637612', '637612', ['hipercard']],
  ['401178', '401179', ['elo']],
  ['431274', '431274', ['elo']],
  ['438935', '438935', ['elo']],
  ['451416', '451416', ['elo']],
  ['457393', '457393', ['elo']],
  ['457631', '457632', ['elo']],
  ['504175', '504175', ['elo']],
  ['506699', '506778', ['elo']],
  ['509000', '509999', ['elo']],
  ['627780', '627780', ['elo']],
  ['636297', '636297', ['elo']],
  ['636368', '636368', ['elo']],
  ['650031', '650033', ['elo']],
  ['650035', '650051', ['elo']],
  ['650405', '650439', ['elo']],
  ['650485', '650538', ['elo']],
  ['650541', '650598', ['elo']],
  ['650700', '650718', ['elo']],
  ['650720', '650727', ['elo']],
  ['650901', '650978', ['elo']],
  ['651652', '651679', ['elo']],
  ['655000', '655019', ['elo']],
  ['655021', '655058', ['elo']]
]

/**
 * The card types a number may be declared as, or `undefined` when the brand cannot be told from
 * the number (then any declared type is accepted).
 */
export function cardBrandsOf (digits: string): ReadonlySet<CardType> | undefined {
  const brands = new Set<CardType>()
  for (const [from, to, rangeBrands] of IIN_RANGES) {
    const prefix = digits.slice(0, from.length)
    if (prefix.length === from.length && prefix >= from && prefix <= to) {
      for (const brand of rangeBrands) brands.add(brand)
    }
  }
  return brands.size > 0 ? brands : undefined
}

/** True when `type` may be the brand of the card number `digits`. */
export function cardTypeMatches (digits: string, type: CardType): boolean {
  const brands = cardBrandsOf(digits)
  return brands === undefined || brands.has(type)
}

// Lengths each brand issues (ISO/IEC 7812 as the schemes publish them). Maestro also issues 12
// digits, left out: the free-text check below starts at 13, as card numbers typed by people do.
const CARD_LENGTHS: Readonly<Record<CardType, readonly number[]>> = {
  visa: [13, 16, 19],
  visaelectron: [16],
  cartebleue: [16],
  mastercard: [16],
  maestro: [13, 14, 15, 16, 17, 18, 19],
  amex: [15],
  discover: [16, 17, 18, 19],
  dankort: [16],
  jcb: [16, 17, 18, 19],
  hipercard: [16, 19],
  elo: [16]
}

/** True when `digits` is a number some card brand issues: its prefix, its length and Luhn. */
export function looksLikeCardNumber (digits: string): boolean {
  if (digits.length < 13 || digits.length > 19 || !luhnValid(digits)) return false
  const brands = cardBrandsOf(digits)
  return brands !== undefined && [...brands].some((brand) => CARD_LENGTHS[brand].includes(digits.length))
}

// Runs of at least 13 digits as people type card numbers: "4111 1111 1111 1111",
// "4111-1111-1111-1111", "3782 822463 10005"; up to three spaces or dashes between groups
// ("4111 - 1111"). Shorter runs never match, so base64 or long text is scanned without a match
// object per digit (a 5 MiB text in milliseconds, not in half a second).
const DIGIT_GROUPS = /\d(?:[ \t\u00a0\u2007\u202f\u2010-\u2015-]{0,3}\d){12,}/g
const GROUP_SEPARATORS = /[ \t\u00a0\u2007\u202f\u2010-\u2015-]+/
const MAX_CARD_GROUPS = 8
/** E.164: a phone number written with its "+" has at most 15 digits. */
const E164_MAX_DIGITS = 15

/**
 * Whether free text holds a card number (finding 12: card numbers typed into names, addresses,
 * phones, references are refused, never stored). Luhn alone would refuse one random number in
 * ten, so a digit run counts only when it also has a brand's prefix AND one of that brand's
 * lengths: a Brazilian mobile (55 + 11 digits = 13, but 55 is a Mastercard prefix and
 * Mastercard has 16 digits), a 10-digit US phone or a 9-digit RefNo never match. Consecutive
 * groups of a spaced or dashed run are tried as well, so a card typed with spaces is caught also
 * when other numbers follow it ("4111 1111 1111 1111 12/27"). A run written after "+" with at
 * most 15 digits is an international phone number (E.164), not a card: "+49 1511 2345678" has 13
 * digits and a Visa prefix. Full-width digits are folded (NFKC) first.
 */
export function containsCardNumber (text: string): boolean {
  if (text.length < 13) return false
  // eslint-disable-next-line no-control-regex
  const folded = /[^\x00-\x7f]/.test(text) ? text.normalize('NFKC') : text
  for (const match of folded.matchAll(DIGIT_GROUPS)) {
    const groups = match[0].split(GROUP_SEPARATORS)
    const total = groups.reduce((sum, group) => sum + group.length, 0)
    if (folded[(match.index ?? 0) - 1] === '+' && total <= E164_MAX_DIGITS) continue
    // A card is typed in at most 5 groups (4-4-4-4-3); 8 leaves room and keeps a long run of
    // short groups ("1 2 3 4 …", a whole request of them) linear.
    for (let first = 0; first < groups.length; first++) {
      // every brand's prefix starts with 2, 3, 4, 5 or 6
      const lead = (groups[first] as string).charCodeAt(0)
      if (lead < 50 || lead > 54) continue
      let length = 0
      for (let last = first; last < groups.length && last < first + MAX_CARD_GROUPS; last++) {
        length += (groups[last] as string).length
        if (length > 19) break
        if (length >= 13 && looksLikeCardNumber(groups.slice(first, last + 1).join(''))) return true
      }
    }
  }
  return false
}

/** Strips the spaces and dashes people type inside card numbers. */
export const stripCardNumber = (value: string): string => value.replace(/[\s-]/g, '')

/** 2- or 4-digit expiry year to 4 digits; undefined when malformed. */
export function parseExpiryYear (value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : ''
  if (/^\d{2}$/.test(text)) return 2000 + Number(text)
  if (/^20\d{2}$/.test(text)) return Number(text)
  return undefined
}

/** Expiry month 1–12 (`"3"`, `"03"`, `3`); undefined when malformed. */
export function parseExpiryMonth (value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : ''
  if (!/^\d{1,2}$/.test(text)) return undefined
  const month = Number(text)
  return month >= 1 && month <= 12 ? month : undefined
}

/** A card is valid through the last instant of its expiry month (UTC). */
export function cardExpired (year: number, month: number, now: Date): boolean {
  return now.getTime() >= Date.UTC(year, month, 1)
}

// ---------------------------------------------------------------------------------------------
// IBAN (ISO 13616): country-specific length and mod-97 = 1.

// Country code followed by the IBAN length of that country (SWIFT IBAN registry).
const IBAN_LENGTHS: ReadonlyMap<string, number> = new Map([...codeSet(`
  AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18
  DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HN28 HR21 HU28 IE22 IL23
  IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27
  MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19
  SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30
`)].map((entry) => [entry.slice(0, 2), Number(entry.slice(2))]))

/** Removes the spaces of the printed IBAN form and upper-cases it. */
export const compactIban = (value: string): string => value.replace(/\s+/g, '').toUpperCase()

export function ibanValid (value: string): boolean {
  const iban = compactIban(value)
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false
  if (IBAN_LENGTHS.get(iban.slice(0, 2)) !== iban.length) return false
  const rearranged = iban.slice(4) + iban.slice(0, 4)
  let remainder = 0
  for (const ch of rearranged) {
    const digits = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch
    for (const d of digits) remainder = (remainder * 10 + (d.charCodeAt(0) - 48)) % 97
  }
  return remainder === 1
}

/** SWIFT/BIC: 4 bank letters, 2 country letters, 2 location chars, optional 3 branch chars. */
export const swiftValid = (value: string): boolean =>
  /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/.test(value.toUpperCase())

/** iDEAL bank code: the bank's SWIFT, "+", the first three letters of its name (RABONL2U+RAB). */
export const idealBankCodeValid = (value: string): boolean =>
  /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?\+[A-Z]{3}$/.test(value.toUpperCase())

// ---------------------------------------------------------------------------------------------
// Brazilian fiscal codes. Punctuation (`056.027.963-98`, `12.345.678/0001-95`) is allowed.

/** CPF (11 digits) with both check digits. */
export function cpfValid (value: string): boolean {
  const digits = value.replace(/[\s./-]/g, '')
  if (!/^\d{11}$/.test(digits) || /^(\d)\1{10}$/.test(digits)) return false
  const n = [...digits].map(Number)
  for (const len of [9, 10]) {
    let sum = 0
    for (let i = 0; i < len; i++) sum += (n[i] ?? 0) * (len + 1 - i)
    const check = (sum * 10) % 11 % 10
    if (check !== n[len]) return false
  }
  return true
}

/**
 * CNPJ (14 characters) with both check digits. Since July 2026 the first 12 characters may be
 * letters (Receita Federal's alphanumeric CNPJ); a character counts as its char code minus 48.
 */
export function cnpjValid (value: string): boolean {
  const chars = value.replace(/[\s./-]/g, '').toUpperCase()
  if (!/^[0-9A-Z]{12}\d{2}$/.test(chars) || /^(\d)\1{13}$/.test(chars)) return false
  const n = [...chars].map((c) => c.charCodeAt(0) - 48)
  for (const len of [12, 13]) {
    let sum = 0
    for (let i = 0; i < len; i++) {
      const weight = ((len - 1 - i) % 8) + 2
      sum += (n[i] ?? 0) * weight
    }
    const r = sum % 11
    const check = r < 2 ? 0 : 11 - r
    if (check !== n[len]) return false
  }
  return true
}

export const brazilFiscalCodeValid = (value: string): boolean => cpfValid(value) || cnpjValid(value)

// ---------------------------------------------------------------------------------------------
// Formats

/**
 * A deliverable-looking address: local part without spaces or quotes, a dotted domain of
 * LDH labels ending in a letter TLD. Deliberately not RFC 5322's full grammar.
 */
export function emailValid (value: string): boolean {
  if (value.length > 254) return false
  const at = value.lastIndexOf('@')
  if (at < 1) return false
  const local = value.slice(0, at)
  const domain = value.slice(at + 1)
  if (local.length > 64 || !/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/.test(local)) return false
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false
  const labels = domain.split('.')
  if (labels.length < 2) return false
  if (!labels.every((l) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l))) return false
  return /^[A-Za-z]{2,}$/.test(labels[labels.length - 1] ?? '')
}

/** An absolute http(s) URL with a host. */
export function httpUrlValid (value: string): boolean {
  if (value.length > 2048 || /\s/.test(value)) return false
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
}

function realDate (y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return d <= days
}

/** `YYYY-MM-DD` naming a real calendar day. */
export function dateValid (value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  return m !== null && realDate(Number(m[1]), Number(m[2]), Number(m[3]))
}

/** `Y-m-d H:i:s` (PHP) = `YYYY-MM-DD HH:mm:ss`, a real day and time. */
export function dateTimeValid (value: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value)
  if (m === null || !dateValid(m[1] ?? '')) return false
  return Number(m[2]) <= 23 && Number(m[3]) <= 59 && Number(m[4]) <= 59
}

/** Additional field codes: "alpha-numeric characters, underscores and dashes". */
export const fieldCodeValid = (value: string): boolean => /^[A-Za-z0-9_-]+$/.test(value)
