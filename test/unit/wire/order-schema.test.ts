import t, { type Test } from 'tap'
import { z } from 'zod'
import { PAYMENT_TYPES } from '../../../src/payments/payment-types.js'
import { ORDER_FIELD_ERROR_CODES, OrderSchema, validateOrder, type Order } from '../../../src/wire/order-schema.js'
import {
  BR_BILLING, cardOrder, NOW, orderPaidWith, REDIRECT, seed004Order, THREE_DS, VALID_METHODS, type Wire
} from './order-helpers.js'

type Case = {
  name: string
  order: () => Wire
  /** Exact [path, error_code] pairs of the refusal; absent for an accepted case. */
  refused?: Array<[string, string]>
  /** Checks on the normalised Order of an accepted case. */
  check?: (t: Test, order: Order) => void
}

const edit = (change: (order: Wire) => void, base: () => Wire = cardOrder) => () => {
  const order = base()
  change(order)
  return order
}
const pm = (order: Wire): Wire => order.PaymentDetails.PaymentMethod
const long = (n: number) => 'x'.repeat(n)
const PM = 'PaymentDetails.PaymentMethod'
const method = (o: Order): Record<string, unknown> => o.PaymentDetails.PaymentMethod as Record<string, unknown>

const cases: Case[] = [
  // ---------------------------------------------------------------- top level
  { name: 'lower-case Currency and Country are accepted and upper-cased', order: edit((o) => { o.Currency = 'usd'; o.Country = 'us' }), check: (t, o) => { t.equal(o.Currency, 'USD'); t.equal(o.Country, 'US') } },
  { name: 'an unknown Currency is refused', order: edit((o) => { o.Currency = 'XYZ' }), refused: [['Currency', 'ORDER_CURRENCY_INVALID']] },
  { name: 'a Currency that is not a string is refused', order: edit((o) => { o.Currency = 840 }), refused: [['Currency', 'ORDER_CURRENCY_INVALID']] },
  { name: 'Currency and PaymentDetails.Currency that differ are refused on PaymentDetails.Currency', order: edit((o) => { o.Currency = 'usd'; o.PaymentDetails.Currency = 'EUR' }), refused: [['PaymentDetails.Currency', 'ORDER_CURRENCY_MISMATCH']] },
  { name: 'Currency and PaymentDetails.Currency that differ only in case are accepted', order: edit((o) => { o.Currency = 'usd'; o.PaymentDetails.Currency = 'USD' }), check: (t, o) => t.equal(o.PaymentDetails.Currency, 'USD') },
  { name: 'only PaymentDetails.Currency given becomes the order Currency', order: edit((o) => { delete o.Currency; o.PaymentDetails.Currency = 'eur' }), check: (t, o) => { t.equal(o.Currency, 'EUR'); t.equal(o.PaymentDetails.Currency, 'EUR') } },
  { name: 'only Currency given is copied to PaymentDetails.Currency', order: edit((o) => { delete o.PaymentDetails.Currency }), check: (t, o) => t.equal(o.PaymentDetails.Currency, 'USD') },
  { name: 'no currency at all is refused on Currency', order: edit((o) => { delete o.Currency; o.PaymentDetails.Currency = null }), refused: [['Currency', 'FIELD_REQUIRED']] },
  { name: 'an invalid PaymentDetails.Currency is refused', order: edit((o) => { o.PaymentDetails.Currency = 'US' }), refused: [['PaymentDetails.Currency', 'ORDER_CURRENCY_INVALID']] },
  { name: 'an unknown Country is refused', order: edit((o) => { o.Country = 'XX' }), refused: [['Country', 'ORDER_COUNTRY_INVALID']] },
  { name: 'a three-letter Country is refused', order: edit((o) => { o.Country = 'USA' }), refused: [['Country', 'ORDER_COUNTRY_INVALID']] },
  { name: 'an upper-case Language is accepted and lower-cased', order: edit((o) => { o.Language = 'EN' }), check: (t, o) => t.equal(o.Language, 'en') },
  { name: 'a Language name is refused', order: edit((o) => { o.Language = 'english' }), refused: [['Language', 'ORDER_LANGUAGE_INVALID']] },
  { name: 'an unknown two-letter Language is refused', order: edit((o) => { o.Language = 'xx' }), refused: [['Language', 'ORDER_LANGUAGE_INVALID']] },
  { name: 'ExternalReference of 100 characters is accepted', order: edit((o) => { o.ExternalReference = long(100) }) },
  { name: 'ExternalReference of 101 characters is refused', order: edit((o) => { o.ExternalReference = long(101) }), refused: [['ExternalReference', 'FIELD_TOO_LONG']] },
  { name: 'Source of 255 characters is accepted', order: edit((o) => { o.Source = long(255) }) },
  { name: 'Source of 256 characters is refused', order: edit((o) => { o.Source = long(256) }), refused: [['Source', 'FIELD_TOO_LONG']] },
  { name: 'an integer CustomerReference is accepted', order: edit((o) => { o.CustomerReference = 12345 }), check: (t, o) => t.equal(o.CustomerReference, 12345) },
  { name: 'a digit-string CustomerReference is accepted as a number', order: edit((o) => { o.CustomerReference = '12345' }), check: (t, o) => t.equal(o.CustomerReference, 12345) },
  { name: 'a fractional CustomerReference is refused', order: edit((o) => { o.CustomerReference = 1.5 }), refused: [['CustomerReference', 'FIELD_TYPE_INVALID']] },
  { name: 'a non-numeric CustomerReference is refused', order: edit((o) => { o.CustomerReference = 'GFDFE' }), refused: [['CustomerReference', 'FIELD_INVALID']] },
  { name: 'a negative CustomerReference is refused', order: edit((o) => { o.CustomerReference = -1 }), refused: [['CustomerReference', 'FIELD_INVALID']] },
  { name: 'an Affiliate with its code is accepted', order: edit((o) => { o.Affiliate = { AffiliateCode: 'AFF1', AffiliateSource: 'blog' } }), check: (t, o) => t.same(o.Affiliate, { AffiliateCode: 'AFF1', AffiliateSource: 'blog' }) },
  { name: 'an empty Affiliate object is treated as absent', order: edit((o) => { o.Affiliate = {} }), check: (t, o) => t.equal(o.Affiliate, undefined) },
  { name: 'an Affiliate without AffiliateCode is refused', order: edit((o) => { o.Affiliate = { AffiliateSource: 'blog' } }), refused: [['Affiliate.AffiliateCode', 'FIELD_REQUIRED']] },
  { name: 'missing Items are refused with ORDER_PRODUCTS_EMPTY', order: edit((o) => { delete o.Items }), refused: [['Items', 'ORDER_PRODUCTS_EMPTY']] },
  { name: 'empty Items are refused with ORDER_PRODUCTS_EMPTY', order: edit((o) => { o.Items = [] }), refused: [['Items', 'ORDER_PRODUCTS_EMPTY']] },
  { name: 'null Items are refused with ORDER_PRODUCTS_EMPTY', order: edit((o) => { o.Items = null }), refused: [['Items', 'ORDER_PRODUCTS_EMPTY']] },
  { name: 'missing BillingDetails are refused', order: edit((o) => { delete o.BillingDetails }), refused: [['BillingDetails', 'FIELD_REQUIRED']] },
  { name: 'missing PaymentDetails are refused', order: edit((o) => { delete o.PaymentDetails }), refused: [['PaymentDetails', 'FIELD_REQUIRED']] },
  { name: 'a ShippingMethod code is accepted', order: edit((o) => { o.DeliveryInformation = { ShippingMethod: { Code: 'EXPRESS' } } }), check: (t, o) => t.equal(o.DeliveryInformation?.ShippingMethod?.Code, 'EXPRESS') },
  { name: 'a ShippingMethod without Code is refused', order: edit((o) => { o.DeliveryInformation = { ShippingMethod: {} } }), refused: [['DeliveryInformation.ShippingMethod.Code', 'FIELD_REQUIRED']] },
  { name: 'Promotions codes are accepted', order: edit((o) => { o.Promotions = ['WELCOME10', 'FIXED5USD'] }), check: (t, o) => t.same(o.Promotions, ['WELCOME10', 'FIXED5USD']) },
  { name: 'null Promotions become an empty list', order: edit((o) => { o.Promotions = null }), check: (t, o) => t.same(o.Promotions, []) },
  { name: 'an empty promotion code is refused', order: edit((o) => { o.Promotions = ['WELCOME10', ''] }), refused: [['Promotions.1', 'FIELD_REQUIRED']] },
  { name: 'Promotions as a string are refused', order: edit((o) => { o.Promotions = 'WELCOME10' }), refused: [['Promotions', 'FIELD_TYPE_INVALID']] },
  { name: 'order AdditionalFields with Code, Text and Value are accepted', order: edit((o) => { o.AdditionalFields = [{ Code: 'REF_code-1', Text: 'Reference', Value: 'abc' }] }), check: (t, o) => t.same(o.AdditionalFields, [{ Code: 'REF_code-1', Text: 'Reference', Value: 'abc' }]) },
  { name: 'an order additional field code with a space is refused', order: edit((o) => { o.AdditionalFields = [{ Code: 'bad code', Value: 'x' }] }), refused: [['AdditionalFields.0.Code', 'ORDER_ADDITIONAL_FIELD_CODE_INVALID']] },
  { name: 'an order additional field without Value is refused', order: edit((o) => { o.AdditionalFields = [{ Code: 'REF' }] }), refused: [['AdditionalFields.0.Value', 'FIELD_REQUIRED']] },
  { name: 'LocalTime in Y-m-d H:i:s is accepted', order: edit((o) => { o.LocalTime = '2026-11-23 12:30:00' }), check: (t, o) => t.equal(o.LocalTime, '2026-11-23 12:30:00') },
  { name: 'LocalTime on a day that does not exist is refused', order: edit((o) => { o.LocalTime = '2026-02-30 10:00:00' }), refused: [['LocalTime', 'ORDER_DATE_TIME_INVALID']] },
  { name: 'LocalTime in ISO 8601 form is refused', order: edit((o) => { o.LocalTime = '2026-11-23T12:30:00Z' }), refused: [['LocalTime', 'ORDER_DATE_TIME_INVALID']] },
  { name: 'GiftDetails with a valid Email are accepted', order: edit((o) => { o.GiftDetails = { FirstName: 'Ann', LastName: 'Lee', Email: 'ann@example.com', GiftNote: 'Enjoy!' } }) },
  { name: 'GiftDetails with an invalid Email are refused', order: edit((o) => { o.GiftDetails = { FirstName: 'Ann', Email: 'ann-at-example' } }), refused: [['GiftDetails.Email', 'GIFT_EMAIL_INVALID']] },
  { name: 'BillingCycleReset true is accepted', order: edit((o) => { o.BillingCycleReset = true }), check: (t, o) => t.equal(o.BillingCycleReset, true) },
  { name: 'BillingCycleReset "yes" is refused', order: edit((o) => { o.BillingCycleReset = 'yes' }), refused: [['BillingCycleReset', 'FIELD_TYPE_INVALID']] },
  { name: 'WSOrder is accepted', order: edit((o) => { o.WSOrder = 'shop.example.com' }) },
  { name: 'WSOrder of 256 characters is refused', order: edit((o) => { o.WSOrder = long(256) }), refused: [['WSOrder', 'FIELD_TOO_LONG']] },
  { name: 'ExtraInformation.AssistedSale "true" (as seed 002 quotes it) is accepted as true', order: edit((o) => { o.ExtraInformation = { AssistedSale: 'true' } }), check: (t, o) => t.equal(o.ExtraInformation?.AssistedSale, true) },
  { name: 'ExtraInformation.AssistedSale "maybe" is refused', order: edit((o) => { o.ExtraInformation = { AssistedSale: 'maybe' } }), refused: [['ExtraInformation.AssistedSale', 'FIELD_TYPE_INVALID']] },
  { name: 'unknown top-level fields (RefNo, AffiliateId, CustomerIP) are ignored and stripped', order: edit((o) => { o.RefNo = null; o.AffiliateId = 7; o.CustomerIP = '91.220.121.21'; o.IdempotencyKey = 'k' }), check: (t, o) => { for (const k of ['RefNo', 'AffiliateId', 'CustomerIP', 'IdempotencyKey']) t.notOk(k in o, k) } },
  { name: 'a value that is not an object is refused at the root', order: () => ['not', 'an', 'order'] as unknown as Wire, refused: [['', 'FIELD_TYPE_INVALID']] },

  // ---------------------------------------------------------------- items
  { name: 'an item without Code is refused', order: edit((o) => { delete o.Items[0].Code }), refused: [['Items.0.Code', 'FIELD_REQUIRED']] },
  { name: 'an item Code of 256 characters is accepted', order: edit((o) => { o.Items[0].Code = long(256) }) },
  { name: 'an item Code of 257 characters is refused', order: edit((o) => { o.Items[0].Code = long(257) }), refused: [['Items.0.Code', 'FIELD_TOO_LONG']] },
  { name: 'an item without Quantity gets Quantity 1', order: edit((o) => { delete o.Items[0].Quantity }), check: (t, o) => t.equal(o.Items[0]?.Quantity, 1) },
  { name: 'a digit-string Quantity is accepted as a number', order: edit((o) => { o.Items[0].Quantity = '3' }), check: (t, o) => t.equal(o.Items[0]?.Quantity, 3) },
  { name: 'Quantity 0 is refused', order: edit((o) => { o.Items[0].Quantity = 0 }), refused: [['Items.0.Quantity', 'ORDER_ITEMS_QUANTITY_INVALID']] },
  { name: 'a fractional Quantity is refused', order: edit((o) => { o.Items[0].Quantity = 1.5 }), refused: [['Items.0.Quantity', 'ORDER_ITEMS_QUANTITY_INVALID']] },
  { name: 'Quantity above 10000 is refused', order: edit((o) => { o.Items[0].Quantity = 10001 }), refused: [['Items.0.Quantity', 'ORDER_ITEMS_QUANTITY_INVALID']] },
  { name: 'a non-numeric Quantity on the second item is refused with its index', order: edit((o) => { o.Items.push({ Code: 'ADDON-1', Quantity: 'two' }) }), refused: [['Items.1.Quantity', 'ORDER_ITEMS_QUANTITY_INVALID']] },
  { name: 'PriceOptions codes are accepted', order: edit((o) => { o.Items[0].PriceOptions = ['PREMIUM'] }), check: (t, o) => t.same(o.Items[0]?.PriceOptions, ['PREMIUM']) },
  { name: 'a PriceOptions entry that is not a string is refused', order: edit((o) => { o.Items[0].PriceOptions = [5] }), refused: [['Items.0.PriceOptions.0', 'FIELD_TYPE_INVALID']] },
  { name: 'SKU is accepted', order: edit((o) => { o.Items[0].SKU = 'SKU-1' }), check: (t, o) => t.equal(o.Items[0]?.SKU, 'SKU-1') },
  { name: 'SKU of 256 characters is refused', order: edit((o) => { o.Items[0].SKU = long(256) }), refused: [['Items.0.SKU', 'FIELD_TOO_LONG']] },
  { name: 'a CUSTOM Price with 3 decimals is accepted', order: edit((o) => { o.Items[0].Price = { Type: 'custom', Amount: 9.999 } }), check: (t, o) => t.same(o.Items[0]?.Price, { Type: 'CUSTOM', Amount: 9.999 }) },
  { name: 'a Price of another Type is refused', order: edit((o) => { o.Items[0].Price = { Type: 'FIXED', Amount: 10 } }), refused: [['Items.0.Price.Type', 'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID']] },
  { name: 'a Price without Amount is refused', order: edit((o) => { o.Items[0].Price = { Type: 'CUSTOM' } }), refused: [['Items.0.Price.Amount', 'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID']] },
  { name: 'a negative Price Amount is refused', order: edit((o) => { o.Items[0].Price = { Type: 'CUSTOM', Amount: -1 } }), refused: [['Items.0.Price.Amount', 'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID']] },
  { name: 'a Price Amount with 4 decimals is refused', order: edit((o) => { o.Items[0].Price = { Type: 'CUSTOM', Amount: 1.2345 } }), refused: [['Items.0.Price.Amount', 'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID']] },
  { name: 'a Price that is a number is refused', order: edit((o) => { o.Items[0].Price = 10 }), refused: [['Items.0.Price', 'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID']] },
  { name: 'a complete CrossSell is accepted', order: edit((o) => { o.Items[0].CrossSell = { ParentCode: 'my_subscription_1', CampaignCode: 'XSELL1' } }) },
  { name: 'a CrossSell without CampaignCode is refused', order: edit((o) => { o.Items[0].CrossSell = { ParentCode: 'my_subscription_1' } }), refused: [['Items.0.CrossSell.CampaignCode', 'FIELD_REQUIRED']] },
  { name: 'Trial false is accepted and left out', order: edit((o) => { o.Items[0].Trial = false }), check: (t, o) => t.notOk('Trial' in (o.Items[0] ?? {})) },
  { name: 'a Trial with Period and Price is accepted', order: edit((o) => { o.Items[0].Trial = { Period: 7, Price: 0 } }), check: (t, o) => t.same(o.Items[0]?.Trial, { Period: 7, Price: 0 }) },
  { name: 'a Trial with Period 0 is refused', order: edit((o) => { o.Items[0].Trial = { Period: 0 } }), refused: [['Items.0.Trial.Period', 'FIELD_INVALID']] },
  { name: 'a Trial with a negative Price is refused', order: edit((o) => { o.Items[0].Trial = { Period: 7, Price: -1 } }), refused: [['Items.0.Trial.Price', 'FIELD_INVALID']] },
  { name: 'Trial true is refused', order: edit((o) => { o.Items[0].Trial = true }), refused: [['Items.0.Trial', 'FIELD_TYPE_INVALID']] },
  { name: 'item AdditionalFields are accepted', order: edit((o) => { o.Items[0].AdditionalFields = [{ Code: 'LICENSE_NAME', Value: 'ACME' }] }) },
  { name: 'an item additional field code with a dot is refused', order: edit((o) => { o.Items[0].AdditionalFields = [{ Code: 'a.b', Value: 'x' }] }), refused: [['Items.0.AdditionalFields.0.Code', 'ORDER_ADDITIONAL_FIELD_CODE_INVALID']] },
  { name: 'a date-only SubscriptionStartDate gets 00:00:01', order: edit((o) => { o.Items[0].SubscriptionStartDate = '2027-01-15' }), check: (t, o) => t.equal(o.Items[0]?.SubscriptionStartDate, '2027-01-15 00:00:01') },
  { name: 'a full SubscriptionStartDate is kept', order: edit((o) => { o.Items[0].SubscriptionStartDate = '2016-07-02 22:22:22' }), check: (t, o) => t.equal(o.Items[0]?.SubscriptionStartDate, '2016-07-02 22:22:22') },
  { name: 'an empty SubscriptionStartDate means at purchase', order: edit((o) => { o.Items[0].SubscriptionStartDate = '' }), check: (t, o) => t.notOk('SubscriptionStartDate' in (o.Items[0] ?? {})) },
  { name: 'SubscriptionStartDate on 29 February of a common year is refused', order: edit((o) => { o.Items[0].SubscriptionStartDate = '2027-02-29' }), refused: [['Items.0.SubscriptionStartDate', 'ORDER_SUBSCRIPTION_START_DATE_INVALID']] },
  { name: 'SubscriptionStartDate in day/month/year form is refused', order: edit((o) => { o.Items[0].SubscriptionStartDate = '15/01/2027' }), refused: [['Items.0.SubscriptionStartDate', 'ORDER_SUBSCRIPTION_START_DATE_INVALID']] },
  {
    name: 'SubscriptionCustomSettings in an assisted sale are accepted with 2Checkout spellings normalised',
    order: edit((o) => { o.ExtraInformation = { AssistedSale: true }; o.Items[0].SubscriptionCustomSettings = { CycleAmountType: 'net', CycleUnit: 'MONTH', CycleAmount: 49.5, CycleLenght: 1, ContractLenght: 12, MerchantDealAutoRenewal: true } }),
    check: (t, o) => t.same(o.Items[0]?.SubscriptionCustomSettings, { CycleAmountType: 'NET', CycleUnit: 'MONTH', CycleAmount: 49.5, CycleLength: 1, ContractLength: 12, MerchantDealAutoRenewal: true })
  },
  { name: 'SubscriptionCustomSettings without an assisted sale are refused', order: edit((o) => { o.Items[0].SubscriptionCustomSettings = { CycleAmountType: 'NET', CycleUnit: 'DAY', CycleAmount: 1, CycleLength: 30 } }), refused: [['Items.0.SubscriptionCustomSettings', 'ORDER_SUBSCRIPTION_CUSTOM_SETTINGS_NOT_ALLOWED']] },
  { name: 'a ContractLength that is not a multiple of CycleLength is refused', order: edit((o) => { o.ExtraInformation = { AssistedSale: true }; o.Items[0].SubscriptionCustomSettings = { CycleAmountType: 'GROSS', CycleUnit: 'MONTH', CycleAmount: 10, CycleLength: 2, ContractLength: 5 } }), refused: [['Items.0.SubscriptionCustomSettings.ContractLength', 'ORDER_CONTRACT_LENGTH_INVALID']] },
  { name: 'a misspelt ContractLenght that is not a multiple is refused under the sent spelling', order: edit((o) => { o.ExtraInformation = { AssistedSale: true }; o.Items[0].SubscriptionCustomSettings = { CycleAmountType: 'GROSS', CycleUnit: 'MONTH', CycleAmount: 10, CycleLenght: 3, ContractLenght: 7 } }), refused: [['Items.0.SubscriptionCustomSettings.ContractLenght', 'ORDER_CONTRACT_LENGTH_INVALID']] },
  { name: 'SubscriptionCustomSettings with bad units, amount and length are refused field by field', order: edit((o) => { o.ExtraInformation = { AssistedSale: true }; o.Items[0].SubscriptionCustomSettings = { CycleAmountType: 'TAX', CycleUnit: 'YEAR', CycleAmount: -1, CycleLength: 0 } }), refused: [['Items.0.SubscriptionCustomSettings.CycleAmountType', 'FIELD_INVALID'], ['Items.0.SubscriptionCustomSettings.CycleUnit', 'FIELD_INVALID'], ['Items.0.SubscriptionCustomSettings.CycleAmount', 'FIELD_INVALID'], ['Items.0.SubscriptionCustomSettings.CycleLength', 'FIELD_INVALID']] },

  // ---------------------------------------------------------------- billing details
  ...['FirstName', 'LastName', 'City', 'Address1', 'Zip', 'Email'].map((field): Case => ({
    name: `BillingDetails without ${field} are refused`, order: edit((o) => { delete o.BillingDetails[field] }), refused: [[`BillingDetails.${field}`, 'FIELD_REQUIRED']]
  })),
  { name: 'BillingDetails without CountryCode are refused', order: edit((o) => { delete o.BillingDetails.CountryCode; delete o.BillingDetails.State }), refused: [['BillingDetails.CountryCode', 'FIELD_REQUIRED']] },
  { name: 'a blank BillingDetails.FirstName is refused as missing', order: edit((o) => { o.BillingDetails.FirstName = '   ' }), refused: [['BillingDetails.FirstName', 'FIELD_REQUIRED']] },
  { name: 'a null BillingDetails.City is refused as missing', order: edit((o) => { o.BillingDetails.City = null }), refused: [['BillingDetails.City', 'FIELD_REQUIRED']] },
  { name: 'a 255-character BillingDetails.Address1 is accepted', order: edit((o) => { o.BillingDetails.Address1 = long(255) }) },
  { name: 'a 256-character BillingDetails.LastName is refused', order: edit((o) => { o.BillingDetails.LastName = long(256) }), refused: [['BillingDetails.LastName', 'FIELD_TOO_LONG']] },
  { name: 'an unknown BillingDetails.CountryCode is refused', order: edit((o) => { o.BillingDetails.CountryCode = 'ZZ'; delete o.BillingDetails.State }), refused: [['BillingDetails.CountryCode', 'BILLING_COUNTRY_INVALID']] },
  { name: 'an invalid BillingDetails.Email is refused', order: edit((o) => { o.BillingDetails.Email = 'john.doe@' }), refused: [['BillingDetails.Email', 'BILLING_EMAIL_INVALID']] },
  { name: 'Address2, Phone and TaxExemptionId are accepted', order: edit((o) => { Object.assign(o.BillingDetails, { Address2: 'Suite 5', Phone: '+1 555 0100', TaxExemptionId: '1b80eecc349v' }) }) },
  { name: 'US billing without State is refused', order: edit((o) => { delete o.BillingDetails.State }), refused: [['BillingDetails.State', 'BILLING_STATE_REQUIRED']] },
  { name: 'US billing with an unknown State is refused', order: edit((o) => { o.BillingDetails.State = 'Narnia' }), refused: [['BillingDetails.State', 'BILLING_STATE_INVALID']] },
  { name: 'US billing with a lower-case state name is accepted', order: edit((o) => { o.BillingDetails.State = 'california' }) },
  { name: 'US billing with a lower-case state code is accepted', order: edit((o) => { o.BillingDetails.State = 'ny' }) },
  ...([['CA', 'Québec'], ['BR', 'São Paulo'], ['TR', 'İstanbul'], ['IN', 'Tamil Nadu'], ['RO', 'Bistrița-Năsăud']] as const).flatMap(([country, state]): Case[] => [
    { name: `${country} billing without State is refused`, order: edit((o) => { Object.assign(o.BillingDetails, { CountryCode: country, Phone: '5561999999999', FiscalCode: '056.027.963-98' }); delete o.BillingDetails.State; if (country !== 'BR') delete o.BillingDetails.FiscalCode }), refused: [['BillingDetails.State', 'BILLING_STATE_REQUIRED']] },
    { name: `${country} billing with the state name ${state} is accepted`, order: edit((o) => { Object.assign(o.BillingDetails, { CountryCode: country, State: state, Phone: '5561999999999', FiscalCode: '056.027.963-98' }); if (country !== 'BR') delete o.BillingDetails.FiscalCode }) }
  ]),
  { name: 'TR billing with the plate code 06 is accepted', order: edit((o) => { Object.assign(o.BillingDetails, { CountryCode: 'TR', State: '06' }) }) },
  { name: 'DE billing without State is accepted', order: edit((o) => { Object.assign(o.BillingDetails, { CountryCode: 'DE' }); delete o.BillingDetails.State }) },
  { name: 'BR billing without Phone is refused', order: edit((o) => { o.BillingDetails = { ...BR_BILLING, Phone: null } }), refused: [['BillingDetails.Phone', 'BILLING_PHONE_REQUIRED']] },
  { name: 'BR billing with Phone, State and a CPF is accepted', order: edit((o) => { o.BillingDetails = { ...BR_BILLING } }) },
  { name: 'BR billing without FiscalCode is refused', order: edit((o) => { o.BillingDetails = { ...BR_BILLING, FiscalCode: '' } }), refused: [['BillingDetails.FiscalCode', 'BILLING_FISCAL_CODE_REQUIRED']] },
  { name: 'BR billing with a wrong CPF check digit is refused', order: edit((o) => { o.BillingDetails = { ...BR_BILLING, FiscalCode: '123.456.789-00' } }), refused: [['BillingDetails.FiscalCode', 'BILLING_FISCAL_CODE_INVALID']] },
  { name: 'BR company billing with a CNPJ is accepted', order: edit((o) => { o.BillingDetails = { ...BR_BILLING, Company: 'Empresa SA', FiscalCode: '11.222.333/0001-81' } }) },
  { name: 'IN company billing without FiscalCode is refused', order: edit((o) => { Object.assign(o.BillingDetails, { CountryCode: 'IN', State: 'KA', Company: 'Infotech Pvt Ltd' }) }), refused: [['BillingDetails.FiscalCode', 'BILLING_FISCAL_CODE_REQUIRED']] },
  { name: 'IN company billing with FiscalCode is accepted', order: edit((o) => { Object.assign(o.BillingDetails, { CountryCode: 'IN', State: 'KA', Company: 'Infotech Pvt Ltd', FiscalCode: '29ABCDE1234F1Z5' }) }) },
  { name: 'DE company billing without FiscalCode is refused', order: edit((o) => { Object.assign(o.BillingDetails, { CountryCode: 'DE', Company: 'ACME GmbH' }); delete o.BillingDetails.State }), refused: [['BillingDetails.FiscalCode', 'BILLING_FISCAL_CODE_REQUIRED']] },
  { name: 'GB company billing without FiscalCode is refused', order: edit((o) => { Object.assign(o.BillingDetails, { CountryCode: 'GB', Company: 'ACME Ltd' }); delete o.BillingDetails.State }), refused: [['BillingDetails.FiscalCode', 'BILLING_FISCAL_CODE_REQUIRED']] },
  { name: 'DE company billing with FiscalCode is accepted', order: edit((o) => { Object.assign(o.BillingDetails, { CountryCode: 'DE', Company: 'ACME GmbH', FiscalCode: 'DE123456789' }); delete o.BillingDetails.State }) },
  { name: 'US company billing without FiscalCode is accepted (seed 004)', order: edit((o) => { o.BillingDetails.Company = 'ABC Company' }) },
  { name: 'a FiscalCode without Company outside Brazil is refused on Company', order: edit((o) => { Object.assign(o.BillingDetails, { CountryCode: 'DE', FiscalCode: 'DE123456789' }); delete o.BillingDetails.State }), refused: [['BillingDetails.Company', 'BILLING_COMPANY_REQUIRED']] },

  // ---------------------------------------------------------------- delivery details
  { name: 'null DeliveryDetails are accepted and left out', order: edit((o) => { o.DeliveryDetails = null }), check: (t, o) => t.notOk('DeliveryDetails' in o) },
  { name: 'DeliveryDetails with names and a country are accepted', order: edit((o) => { o.DeliveryDetails = { FirstName: 'Jan', LastName: 'Jansen', CountryCode: 'nl' } }), check: (t, o) => t.equal(o.DeliveryDetails?.CountryCode, 'NL') },
  { name: 'DeliveryDetails without LastName are refused', order: edit((o) => { o.DeliveryDetails = { FirstName: 'Jan', CountryCode: 'NL' } }), refused: [['DeliveryDetails.LastName', 'FIELD_REQUIRED']] },
  { name: 'DeliveryDetails with an unknown CountryCode are refused', order: edit((o) => { o.DeliveryDetails = { FirstName: 'Jan', LastName: 'Jansen', CountryCode: 'QQ' } }), refused: [['DeliveryDetails.CountryCode', 'DELIVERY_COUNTRY_INVALID']] },
  { name: 'US DeliveryDetails without State are refused', order: edit((o) => { o.DeliveryDetails = { FirstName: 'Jan', LastName: 'Jansen', CountryCode: 'US' } }), refused: [['DeliveryDetails.State', 'DELIVERY_STATE_REQUIRED']] },
  { name: 'RO DeliveryDetails with an unknown county are refused', order: edit((o) => { o.DeliveryDetails = { FirstName: 'Ion', LastName: 'Pop', CountryCode: 'RO', State: 'Transilvania' } }), refused: [['DeliveryDetails.State', 'DELIVERY_STATE_INVALID']] },
  { name: 'BR DeliveryDetails without Phone are refused', order: edit((o) => { o.DeliveryDetails = { FirstName: 'Ana', LastName: 'Silva', CountryCode: 'BR', State: 'SP' } }), refused: [['DeliveryDetails.Phone', 'DELIVERY_PHONE_REQUIRED']] },
  { name: 'DeliveryDetails with an invalid Email are refused', order: edit((o) => { o.DeliveryDetails = { FirstName: 'Jan', LastName: 'Jansen', CountryCode: 'NL', Email: 'jan@' } }), refused: [['DeliveryDetails.Email', 'DELIVERY_EMAIL_INVALID']] },

  // ---------------------------------------------------------------- payment details
  { name: 'PaymentDetails without Type are refused', order: edit((o) => { delete o.PaymentDetails.Type }), refused: [['PaymentDetails.Type', 'FIELD_REQUIRED']] },
  { name: 'an unknown payment Type is refused', order: edit((o) => { o.PaymentDetails.Type = 'BITCOIN' }), refused: [['PaymentDetails.Type', 'PAYMENT_TYPE_INVALID']] },
  { name: 'a lower-case payment Type is accepted and normalised', order: edit((o) => { o.PaymentDetails.Type = 'cc' }), check: (t, o) => t.equal(o.PaymentDetails.Type, 'CC') },
  { name: 'the "APPLE PAY" alias is accepted as APPLE_PAY', order: () => orderPaidWith('APPLE PAY', VALID_METHODS.APPLE_PAY?.()), check: (t, o) => t.equal(o.PaymentDetails.Type, 'APPLE_PAY') },
  { name: 'the "GOOGLE PAY" alias is accepted as GOOGLE_PAY', order: () => orderPaidWith('GOOGLE PAY', VALID_METHODS.GOOGLE_PAY?.()), check: (t, o) => t.equal(o.PaymentDetails.Type, 'GOOGLE_PAY') },
  { name: 'an IPv6 CustomerIP is accepted', order: edit((o) => { o.PaymentDetails.CustomerIP = '2001:db8::1' }) },
  { name: 'an empty CustomerIP (as 2Checkout samples send) is treated as absent', order: edit((o) => { o.PaymentDetails.CustomerIP = '' }), check: (t, o) => t.notOk('CustomerIP' in o.PaymentDetails) },
  { name: 'an invalid CustomerIP is refused', order: edit((o) => { o.PaymentDetails.CustomerIP = '999.1.1.1' }), refused: [['PaymentDetails.CustomerIP', 'CUSTOMER_IP_INVALID']] },
  { name: 'a card payment with a null PaymentMethod is refused', order: edit((o) => { o.PaymentDetails.PaymentMethod = null }), refused: [[PM, 'PAYMENT_METHOD_REQUIRED']] },
  { name: 'FREE with PaymentMethod null is accepted', order: () => orderPaidWith('FREE', null), check: (t, o) => t.same(o.PaymentDetails.PaymentMethod, {}) },
  { name: 'FREE without PaymentMethod is accepted', order: edit((o) => { o.PaymentDetails = { Type: 'FREE', Currency: 'USD' } }), check: (t, o) => t.same(o.PaymentDetails, { Type: 'FREE', Currency: 'USD', PaymentMethod: {} }) },
  ...PAYMENT_TYPES.map((type): Case => ({ name: `a complete ${type} payment is accepted`, order: () => orderPaidWith(type) })),

  // ---------------------------------------------------------------- cards
  { name: 'a card number typed with spaces is accepted and compacted', order: edit((o) => { pm(o).CardNumber = '4111 1111 1111 1111' }), check: (t, o) => t.equal(method(o).CardNumber, '4111111111111111') },
  { name: 'a card number typed with dashes is accepted and compacted', order: edit((o) => { pm(o).CardNumber = '4111-1111-1111-1111' }), check: (t, o) => t.equal(method(o).CardNumber, '4111111111111111') },
  { name: 'a card number failing Luhn is refused', order: edit((o) => { pm(o).CardNumber = '4111111111111112' }), refused: [[`${PM}.CardNumber`, 'CARD_NUMBER_INVALID']] },
  { name: 'an 11-digit card number is refused', order: edit((o) => { pm(o).CardNumber = '41111111111' }), refused: [[`${PM}.CardNumber`, 'CARD_NUMBER_INVALID']] },
  { name: 'a card number with letters is refused', order: edit((o) => { pm(o).CardNumber = '4111abcd11111111' }), refused: [[`${PM}.CardNumber`, 'CARD_NUMBER_INVALID']] },
  { name: 'a card number sent as a JSON number is refused', order: edit((o) => { pm(o).CardNumber = 4111111111111111 }), refused: [[`${PM}.CardNumber`, 'CARD_NUMBER_INVALID']] },
  { name: 'a card without CardNumber is refused', order: edit((o) => { delete pm(o).CardNumber }), refused: [[`${PM}.CardNumber`, 'FIELD_REQUIRED']] },
  { name: 'an upper-case CardType is accepted and lower-cased', order: edit((o) => { pm(o).CardType = 'VISA' }), check: (t, o) => t.equal(method(o).CardType, 'visa') },
  { name: 'an unknown CardType is refused', order: edit((o) => { pm(o).CardType = 'diners' }), refused: [[`${PM}.CardType`, 'CARD_TYPE_INVALID']] },
  { name: 'a visa number declared as mastercard is refused on CardType', order: edit((o) => { pm(o).CardType = 'mastercard' }), refused: [[`${PM}.CardType`, 'CARD_TYPE_MISMATCH']] },
  { name: 'a mastercard number declared as mastercard is accepted', order: edit((o) => { Object.assign(pm(o), { CardNumber: '5555555555554444', CardType: 'mastercard' }) }) },
  { name: 'a number whose brand cannot be told is accepted with any CardType', order: edit((o) => { Object.assign(pm(o), { CardNumber: '36227206271667', CardType: 'discover' }) }) },
  { name: 'an amex card with a 4-digit CCID is accepted', order: edit((o) => { Object.assign(pm(o), { CardNumber: '378282246310005', CardType: 'amex', CCID: '1234' }) }) },
  { name: 'an amex card with a 3-digit CCID is refused', order: edit((o) => { Object.assign(pm(o), { CardNumber: '378282246310005', CardType: 'amex', CCID: '123' }) }), refused: [[`${PM}.CCID`, 'CARD_CCID_INVALID']] },
  { name: 'a visa card with a 4-digit CCID is refused', order: edit((o) => { pm(o).CCID = '1234' }), refused: [[`${PM}.CCID`, 'CARD_CCID_INVALID']] },
  { name: 'a CCID with letters is refused', order: edit((o) => { pm(o).CCID = '12a' }), refused: [[`${PM}.CCID`, 'CARD_CCID_INVALID']] },
  { name: 'a card without CCID is refused', order: edit((o) => { delete pm(o).CCID }), refused: [[`${PM}.CCID`, 'FIELD_REQUIRED']] },
  { name: 'a 2-digit ExpirationYear and a 1-digit month are accepted and normalised', order: edit((o) => { Object.assign(pm(o), { ExpirationYear: '29', ExpirationMonth: '3' }) }), check: (t, o) => { t.equal(method(o).ExpirationYear, '2029'); t.equal(method(o).ExpirationMonth, '03') } },
  { name: 'numeric ExpirationYear and ExpirationMonth are accepted as strings', order: edit((o) => { Object.assign(pm(o), { ExpirationYear: 2030, ExpirationMonth: 7 }) }), check: (t, o) => { t.equal(method(o).ExpirationYear, '2030'); t.equal(method(o).ExpirationMonth, '07') } },
  { name: 'ExpirationMonth 13 is refused', order: edit((o) => { pm(o).ExpirationMonth = 13 }), refused: [[`${PM}.ExpirationMonth`, 'CARD_EXPIRATION_INVALID']] },
  { name: 'a non-numeric ExpirationYear is refused', order: edit((o) => { pm(o).ExpirationYear = 'soon' }), refused: [[`${PM}.ExpirationYear`, 'CARD_EXPIRATION_INVALID']] },
  { name: 'a card that expired last year is refused on ExpirationYear', order: edit((o) => { Object.assign(pm(o), { ExpirationYear: '2025', ExpirationMonth: '12' }) }), refused: [[`${PM}.ExpirationYear`, 'CARD_EXPIRED']] },
  { name: 'a card that expired last month is refused on ExpirationMonth', order: edit((o) => { Object.assign(pm(o), { ExpirationYear: '2026', ExpirationMonth: '10' }) }), refused: [[`${PM}.ExpirationMonth`, 'CARD_EXPIRED']] },
  { name: 'a card expiring this month is accepted', order: edit((o) => { Object.assign(pm(o), { ExpirationYear: '2026', ExpirationMonth: '11' }) }) },
  { name: 'an ExpirationYear more than 20 years ahead is refused', order: edit((o) => { pm(o).ExpirationYear = '2060' }), refused: [[`${PM}.ExpirationYear`, 'CARD_EXPIRATION_INVALID']] },
  { name: 'a card without HolderName is refused', order: edit((o) => { delete pm(o).HolderName }), refused: [[`${PM}.HolderName`, 'FIELD_REQUIRED']] },
  { name: 'a HolderName of 256 characters is refused', order: edit((o) => { pm(o).HolderName = long(256) }), refused: [[`${PM}.HolderName`, 'FIELD_TOO_LONG']] },
  { name: 'a card without Vendor3DSReturnURL is refused', order: edit((o) => { delete pm(o).Vendor3DSReturnURL }), refused: [[`${PM}.Vendor3DSReturnURL`, 'FIELD_REQUIRED']] },
  { name: 'a Vendor3DSCancelURL without scheme is refused', order: edit((o) => { pm(o).Vendor3DSCancelURL = 'www.test.com' }), refused: [[`${PM}.Vendor3DSCancelURL`, 'URL_INVALID']] },
  { name: 'a Vendor3DSReturnURL with an ftp scheme is refused', order: edit((o) => { pm(o).Vendor3DSReturnURL = 'ftp://example.com/return' }), refused: [[`${PM}.Vendor3DSReturnURL`, 'URL_INVALID']] },
  { name: 'HolderNameTime and CardNumberTime of zero or more are accepted', order: edit((o) => { Object.assign(pm(o), { HolderNameTime: 12.5, CardNumberTime: null }) }), check: (t, o) => { t.equal(method(o).HolderNameTime, 12.5); t.notOk('CardNumberTime' in method(o)) } },
  { name: 'a negative HolderNameTime is refused', order: edit((o) => { pm(o).HolderNameTime = -1 }), refused: [[`${PM}.HolderNameTime`, 'FIELD_INVALID']] },
  { name: 'a negative CardNumberTime is refused', order: edit((o) => { pm(o).CardNumberTime = -0.5 }), refused: [[`${PM}.CardNumberTime`, 'FIELD_INVALID']] },
  { name: 'installments for BR billing with visa in BRL are accepted', order: edit((o) => { o.BillingDetails = { ...BR_BILLING }; o.Currency = 'BRL'; o.PaymentDetails.Currency = 'BRL'; pm(o).InstallmentsNumber = 3 }), check: (t, o) => t.equal(method(o).InstallmentsNumber, 3) },
  { name: 'installments for US billing are refused', order: edit((o) => { pm(o).InstallmentsNumber = 3 }), refused: [[`${PM}.InstallmentsNumber`, 'CARD_INSTALLMENTS_INVALID']] },
  { name: 'installments in BRL for BR billing with amex are refused', order: edit((o) => { o.BillingDetails = { ...BR_BILLING }; o.Currency = 'BRL'; o.PaymentDetails.Currency = 'BRL'; Object.assign(pm(o), { CardNumber: '378282246310005', CardType: 'amex', CCID: '1234', InstallmentsNumber: 2 }) }), refused: [[`${PM}.InstallmentsNumber`, 'CARD_INSTALLMENTS_INVALID']] },
  { name: 'InstallmentsNumber 1 is accepted anywhere', order: edit((o) => { pm(o).InstallmentsNumber = 1 }) },
  { name: 'RecurringEnabled true is accepted', order: edit((o) => { pm(o).RecurringEnabled = true }), check: (t, o) => t.equal(method(o).RecurringEnabled, true) },
  { name: 'RecurringEnabled "sometimes" is refused', order: edit((o) => { pm(o).RecurringEnabled = 'sometimes' }), refused: [[`${PM}.RecurringEnabled`, 'FIELD_TYPE_INVALID']] },
  { name: 'card fields under seed 002\'s CardPayment are accepted and flattened', order: edit((o) => { o.PaymentDetails.PaymentMethod = { RecurringEnabled: false, CardPayment: VALID_METHODS.CC?.() } }), check: (t, o) => { t.equal(method(o).CardNumber, '4111111111111111'); t.equal(method(o).RecurringEnabled, false); t.notOk('CardPayment' in method(o)) } },
  { name: 'a Luhn failure under CardPayment names the CardPayment path', order: edit((o) => { o.PaymentDetails.PaymentMethod = { CardPayment: { ...VALID_METHODS.CC?.(), CardNumber: '4111111111111112' } } }), refused: [[`${PM}.CardPayment.CardNumber`, 'CARD_NUMBER_INVALID']] },
  { name: 'an expired card under CardPayment names the CardPayment path', order: edit((o) => { o.PaymentDetails.PaymentMethod = { CardPayment: { ...VALID_METHODS.CC?.(), ExpirationYear: '2024' } } }), refused: [[`${PM}.CardPayment.ExpirationYear`, 'CARD_EXPIRED']] },
  { name: 'a TEST payment follows the card rules', order: () => orderPaidWith('TEST', { ...VALID_METHODS.TEST?.(), CardNumber: '4000000000000003' }), refused: [[`${PM}.CardNumber`, 'CARD_NUMBER_INVALID']] },

  // ---------------------------------------------------------------- tokens and wallets
  { name: 'EES_TOKEN_PAYMENT without EesToken is refused', order: () => orderPaidWith('EES_TOKEN_PAYMENT', { ...THREE_DS }), refused: [[`${PM}.EesToken`, 'FIELD_REQUIRED']] },
  { name: 'ENCRYPTED_PAYMENT_DATA without Vendor3DSCancelURL is refused', order: () => orderPaidWith('ENCRYPTED_PAYMENT_DATA', { EesToken: 'tok', Vendor3DSReturnURL: THREE_DS.Vendor3DSReturnURL }), refused: [[`${PM}.Vendor3DSCancelURL`, 'FIELD_REQUIRED']] },
  { name: 'APPLE_PAY with the ApplePayToken alias is accepted as PaymentToken', order: () => orderPaidWith('APPLE_PAY', { ApplePayToken: 'abc', ...THREE_DS }), check: (t, o) => { t.equal(method(o).PaymentToken, 'abc'); t.notOk('ApplePayToken' in method(o)) } },
  { name: 'GOOGLE_PAY without a token is refused', order: () => orderPaidWith('GOOGLE_PAY', { ...THREE_DS }), refused: [[`${PM}.PaymentToken`, 'FIELD_REQUIRED']] },

  // ---------------------------------------------------------------- PayPal and redirects
  { name: 'PAYPAL_EXPRESS with an invalid Email is refused', order: () => orderPaidWith('PAYPAL_EXPRESS', { ...VALID_METHODS.PAYPAL_EXPRESS?.(), Email: 'buyer' }), refused: [[`${PM}.Email`, 'EMAIL_INVALID']] },
  { name: 'PAYPAL_EXPRESS with a relative CancelURL is refused', order: () => orderPaidWith('PAYPAL_EXPRESS', { ...VALID_METHODS.PAYPAL_EXPRESS?.(), CancelURL: '/cancel' }), refused: [[`${PM}.CancelURL`, 'URL_INVALID']] },
  { name: 'PAYPAL_EXPRESS FundingSource "credit" is accepted as Credit', order: () => orderPaidWith('PAYPAL_EXPRESS', { ...VALID_METHODS.PAYPAL_EXPRESS?.(), FundingSource: 'credit' }), check: (t, o) => t.equal(method(o).FundingSource, 'Credit') },
  { name: 'PAYPAL_EXPRESS FundingSource "Debit" is refused', order: () => orderPaidWith('PAYPAL_EXPRESS', { ...VALID_METHODS.PAYPAL_EXPRESS?.(), FundingSource: 'Debit' }), refused: [[`${PM}.FundingSource`, 'PAYPAL_FUNDING_SOURCE_INVALID']] },
  { name: 'PAYPAL_EXPRESS under seed 002\'s PayPalExpress object is accepted', order: () => orderPaidWith('PAYPAL_EXPRESS', { PayPalExpress: VALID_METHODS.PAYPAL_EXPRESS?.() }) },
  ...['PAYPAL', 'WE_CHAT_PAY', 'TRUSTLY', 'ALIPAY', 'UNIONPAY', 'DIRECT_EBANKING', 'BOLETO'].map((type): Case => ({
    name: `${type} without ReturnURL is refused`, order: () => orderPaidWith(type, { CancelURL: REDIRECT.CancelURL }), refused: [[`${PM}.ReturnURL`, 'FIELD_REQUIRED']]
  })),
  { name: 'ALIPAY with a CancelURL that is not absolute is refused', order: () => orderPaidWith('ALIPAY', { ReturnURL: REDIRECT.ReturnURL, CancelURL: 'cancel.html' }), refused: [[`${PM}.CancelURL`, 'URL_INVALID']] },
  { name: 'WE_CHAT_PAY under its named object is accepted', order: () => orderPaidWith('WE_CHAT_PAY', { WE_CHAT_PAY: { ...REDIRECT } }), check: (t, o) => t.same(method(o), REDIRECT) },
  { name: 'a bad ReturnURL under the TRUSTLY object names that path', order: () => orderPaidWith('TRUSTLY', { TRUSTLY: { ReturnURL: 'nope' } }), refused: [[`${PM}.TRUSTLY.ReturnURL`, 'URL_INVALID']] },
  { name: 'PAYPAL with an invalid Email is refused', order: () => orderPaidWith('PAYPAL', { ...REDIRECT, Email: 'x@' }), refused: [[`${PM}.Email`, 'EMAIL_INVALID']] },
  { name: 'BOLETO for a US billing address is refused on the Type', order: edit((o) => { o.PaymentDetails = { Type: 'BOLETO', Currency: 'USD', PaymentMethod: { ReturnURL: REDIRECT.ReturnURL } } }), refused: [['PaymentDetails.Type', 'PAYMENT_TYPE_COUNTRY_INVALID']] },

  // ---------------------------------------------------------------- banks
  { name: 'an IDEAL BankCode in lower case is accepted and upper-cased', order: () => orderPaidWith('IDEAL', { ...VALID_METHODS.IDEAL?.(), BankCode: 'rabonl2u+rab' }), check: (t, o) => t.equal(method(o).BankCode, 'RABONL2U+RAB') },
  { name: 'an IDEAL BankCode without the bank letters is refused', order: () => orderPaidWith('IDEAL', { ...VALID_METHODS.IDEAL?.(), BankCode: 'RABONL2U' }), refused: [[`${PM}.BankCode`, 'IDEAL_BANK_CODE_INVALID']] },
  { name: 'IDEAL without CancelURL is refused', order: () => orderPaidWith('IDEAL', { BankCode: 'RABONL2U+RAB', ReturnURL: REDIRECT.ReturnURL }), refused: [[`${PM}.CancelURL`, 'FIELD_REQUIRED']] },
  { name: 'a DIRECTDEBIT IBAN with spaces is accepted and compacted', order: () => orderPaidWith('DIRECTDEBIT'), check: (t, o) => t.equal(method(o).Iban, 'DE89370400440532013000') },
  { name: 'a DIRECTDEBIT IBAN with a wrong checksum is refused', order: () => orderPaidWith('DIRECTDEBIT', { ...VALID_METHODS.DIRECTDEBIT?.(), Iban: 'DE89370400440532013001' }), refused: [[`${PM}.Iban`, 'IBAN_INVALID']] },
  { name: 'a DIRECTDEBIT IBAN of the wrong length is refused', order: () => orderPaidWith('DIRECTDEBIT', { ...VALID_METHODS.DIRECTDEBIT?.(), Iban: 'DE8937040044053201300' }), refused: [[`${PM}.Iban`, 'IBAN_INVALID']] },
  { name: 'a DIRECTDEBIT Swift of 4 characters is refused', order: () => orderPaidWith('DIRECTDEBIT', { ...VALID_METHODS.DIRECTDEBIT?.(), Swift: 'COBA' }), refused: [[`${PM}.Swift`, 'SWIFT_INVALID']] },
  { name: 'DIRECTDEBIT without Swift is accepted', order: () => orderPaidWith('DIRECTDEBIT', { ...VALID_METHODS.DIRECTDEBIT?.(), Swift: null }) },
  { name: 'DIRECTDEBIT without FirstName under seed 002\'s DirectDebit object names that path', order: () => orderPaidWith('DIRECTDEBIT', { DirectDebit: { ...VALID_METHODS.DIRECTDEBIT?.(), FirstName: undefined } }), refused: [[`${PM}.DirectDebit.FirstName`, 'FIELD_REQUIRED']] },
  { name: 'an ACH AccountNumber of 8 digits is refused', order: () => orderPaidWith('DIRECT_DEBIT_ACH', { ...VALID_METHODS.DIRECT_DEBIT_ACH?.(), AccountNumber: '12345678' }), refused: [[`${PM}.AccountNumber`, 'ACH_ACCOUNT_NUMBER_INVALID']] },
  { name: 'an ACH BankRoutingNumber of 18 digits is refused', order: () => orderPaidWith('DIRECT_DEBIT_ACH', { ...VALID_METHODS.DIRECT_DEBIT_ACH?.(), BankRoutingNumber: '1'.repeat(18) }), refused: [[`${PM}.BankRoutingNumber`, 'ACH_ROUTING_NUMBER_INVALID']] },
  { name: 'an ACH BankRoutingNumber with letters is refused', order: () => orderPaidWith('DIRECT_DEBIT_ACH', { ...VALID_METHODS.DIRECT_DEBIT_ACH?.(), BankRoutingNumber: '01100001A' }), refused: [[`${PM}.BankRoutingNumber`, 'ACH_ROUTING_NUMBER_INVALID']] },
  { name: 'an ACH AccountType X is refused', order: () => orderPaidWith('DIRECT_DEBIT_ACH', { ...VALID_METHODS.DIRECT_DEBIT_ACH?.(), AccountType: 'X' }), refused: [[`${PM}.AccountType`, 'ACH_ACCOUNT_TYPE_INVALID']] },
  { name: 'an ACH AccountType s is accepted as S', order: () => orderPaidWith('DIRECT_DEBIT_ACH', { DIRECT_DEBIT_ACH: { ...VALID_METHODS.DIRECT_DEBIT_ACH?.(), AccountType: 's' } }), check: (t, o) => t.equal(method(o).AccountType, 'S') },
  { name: 'ACH without AccountHolderName is refused', order: () => orderPaidWith('DIRECT_DEBIT_ACH', { ...VALID_METHODS.DIRECT_DEBIT_ACH?.(), AccountHolderName: '' }), refused: [[`${PM}.AccountHolderName`, 'FIELD_REQUIRED']] },

  // ---------------------------------------------------------------- stored payment data
  { name: 'a numeric PREVIOUS_ORDER RefNo is accepted as a string', order: () => orderPaidWith('PREVIOUS_ORDER', { PreviousOrder: { RefNo: 79753045 } }), check: (t, o) => t.equal(method(o).RefNo, '79753045') },
  { name: 'a non-numeric PREVIOUS_ORDER RefNo is refused', order: () => orderPaidWith('PREVIOUS_ORDER', { RefNo: 'ABC123' }), refused: [[`${PM}.RefNo`, 'PREVIOUS_ORDER_REFNO_INVALID']] },
  { name: 'PREVIOUS_ORDER without RefNo is refused', order: () => orderPaidWith('PREVIOUS_ORDER', {}), refused: [[`${PM}.RefNo`, 'FIELD_REQUIRED']] },
  { name: 'EXISTING_PAYMENT_DATA without TransientToken is refused', order: () => orderPaidWith('EXISTING_PAYMENT_DATA', { CCID: '123' }), refused: [[`${PM}.TransientToken`, 'FIELD_REQUIRED']] },
  { name: 'EXISTING_PAYMENT_DATA under its named object is accepted', order: () => orderPaidWith('EXISTING_PAYMENT_DATA', { EXISTING_PAYMENT_DATA: { TransientToken: 'tok' } }), check: (t, o) => t.same(method(o), { TransientToken: 'tok' }) },

  // ---------------------------------------------------------------- purchase orders
  { name: 'PURCHASEORDER under PurchaseOrderPaymentDetails is accepted', order: () => orderPaidWith('PURCHASEORDER', { PurchaseOrderPaymentDetails: { InternalPONumber: 'PO-7', AutoApprove: true } }), check: (t, o) => t.same(method(o), { InternalPONumber: 'PO-7', AutoApprove: true }) },
  { name: 'PURCHASEORDER without AutoApprove defaults to false', order: () => orderPaidWith('PURCHASEORDER', { InternalPONumber: 'PO-7' }), check: (t, o) => t.equal(method(o).AutoApprove, false) },
  { name: 'PURCHASEORDER without InternalPONumber is refused', order: () => orderPaidWith('PURCHASEORDER', { AutoApprove: true }), refused: [[`${PM}.InternalPONumber`, 'FIELD_REQUIRED']] },
  { name: 'PURCHASEORDER with a 101-character InternalPONumber is refused', order: () => orderPaidWith('PURCHASEORDER', { InternalPONumber: long(101) }), refused: [[`${PM}.InternalPONumber`, 'PURCHASE_ORDER_NUMBER_INVALID']] },
  { name: 'PURCHASEORDER with AutoApprove "yes" is refused', order: () => orderPaidWith('PURCHASEORDER', { InternalPONumber: 'PO-7', AutoApprove: 'yes' }), refused: [[`${PM}.AutoApprove`, 'FIELD_TYPE_INVALID']] },
  { name: 'PURCHASEORDER without BillingDetails.Company is refused', order: edit((o) => { delete o.BillingDetails.Company }, seed004Order), refused: [['BillingDetails.Company', 'BILLING_COMPANY_REQUIRED']] },

  // ---------------------------------------------------------------- no payment details
  { name: 'WIRE with an empty PaymentMethod object is accepted', order: () => orderPaidWith('WIRE', {}), check: (t, o) => t.same(method(o), {}) },
  { name: 'CHECK with a string PaymentMethod is refused', order: () => orderPaidWith('CHECK', 'cheque' as unknown as Wire), refused: [[PM, 'FIELD_TYPE_INVALID']] },
  { name: 'STORED_CREDIT without PaymentMethod is accepted', order: edit((o) => { o.PaymentDetails = { Type: 'STORED_CREDIT' } }) }
]

t.test('Order rules, one case each (fixed clock 2026-11-23T10:00:00Z)', async (t) => {
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const result = validateOrder(c.order(), NOW)
      if (c.refused === undefined) {
        t.same(result.ok ? [] : result.fields, [], 'no field errors')
        if (result.ok) c.check?.(t, result.order)
        return
      }
      t.equal(result.ok, false, 'refused')
      if (result.ok) return
      const got = result.fields.map((f) => [f.path, f.error_code]).sort()
      t.same(got, [...c.refused].sort(), 'exact paths and codes')
      for (const field of result.fields) {
        t.ok(field.message.length > 0, `${field.path} has a message`)
        t.ok(field.error_code in ORDER_FIELD_ERROR_CODES, `${field.error_code} is in the catalog`)
      }
    })
  }
  t.ok(cases.filter((c) => c.refused !== undefined).length >= 80, 'at least 80 refused cases')
  t.ok(cases.filter((c) => c.refused === undefined).length >= 80, 'at least 80 accepted cases')
})

t.test('seed 004 purchase order validates and normalises as the PHP sample means it', async (t) => {
  const result = validateOrder(seed004Order(), NOW)
  if (!result.ok) {
    t.fail(`refused: ${JSON.stringify(result.fields)}`)
    return
  }
  const o = result.order
  t.equal(o.Currency, 'USD')
  t.equal(o.Country, 'US')
  t.equal(o.BillingDetails.CountryCode, 'US')
  t.equal(o.BillingDetails.Company, 'ABC Company')
  t.notOk('FiscalCode' in o.BillingDetails)
  t.same(o.PaymentDetails, { Type: 'PURCHASEORDER', Currency: 'USD', PaymentMethod: { InternalPONumber: '84864848', AutoApprove: true } })
  t.same(o.Items, [{ Code: 'my_subscription_1', Quantity: 1, PriceOptions: [], AdditionalFields: [] }])
  t.notOk('DeliveryDetails' in o)
  for (const stripped of ['RefNo', 'AffiliateId', 'CustomerIP', 'ExternalReference', 'Source', 'CustomerReference', 'LocalTime', 'GiftDetails']) {
    t.notOk(stripped in o, `${stripped} is not in the output`)
  }
  t.same(o.AdditionalFields, [])
  t.same(o.Promotions, [])
})

t.test('an Order with many problems reports all of them in one answer', async (t) => {
  const order = cardOrder()
  order.Currency = 'usd'
  order.Country = 'Narnia'
  order.Language = 'english'
  order.Items = [{ Code: '', Quantity: 0 }, { Code: 'ADDON-1', Price: { Type: 'FIXED', Amount: 1 } }]
  order.BillingDetails = { FirstName: 'John', CountryCode: 'US', Email: 'nope', City: 'LA', Address1: 'a', Zip: '1' }
  order.LocalTime = 'yesterday'
  Object.assign(order.PaymentDetails, { Currency: 'EUR', CustomerIP: 'localhost' })
  Object.assign(order.PaymentDetails.PaymentMethod, { CardNumber: '4111111111111112', ExpirationYear: '2020', CCID: '1', Vendor3DSReturnURL: 'www.test.com' })
  const result = validateOrder(order, NOW)
  t.equal(result.ok, false)
  if (result.ok) return
  t.same(result.fields.map((f) => [f.path, f.error_code]).sort(), [
    ['BillingDetails.Email', 'BILLING_EMAIL_INVALID'],
    ['BillingDetails.LastName', 'FIELD_REQUIRED'],
    ['BillingDetails.State', 'BILLING_STATE_REQUIRED'],
    ['Country', 'ORDER_COUNTRY_INVALID'],
    ['Items.0.Code', 'FIELD_REQUIRED'],
    ['Items.0.Quantity', 'ORDER_ITEMS_QUANTITY_INVALID'],
    ['Items.1.Price.Type', 'ORDER_PRODUCT_PRICE_TYPE_CUSTOM_INVALID'],
    ['Language', 'ORDER_LANGUAGE_INVALID'],
    ['LocalTime', 'ORDER_DATE_TIME_INVALID'],
    ['PaymentDetails.Currency', 'ORDER_CURRENCY_MISMATCH'],
    ['PaymentDetails.CustomerIP', 'CUSTOMER_IP_INVALID'],
    [`${PM}.CCID`, 'CARD_CCID_INVALID'],
    [`${PM}.CardNumber`, 'CARD_NUMBER_INVALID'],
    [`${PM}.ExpirationYear`, 'CARD_EXPIRED'],
    [`${PM}.Vendor3DSReturnURL`, 'URL_INVALID']
  ])
  t.equal(new Set(result.fields.map((f) => f.path)).size, result.fields.length, 'one error per path')
})

t.test('messages never contain the submitted card number, CCID or IBAN', async (t) => {
  const secrets = ['4111111111111112', '4111 1111 1111 1112', '9876', 'DE89370400440532013001', 'DE89 3704 0044 0532 0130 01', '12345678']
  const card = cardOrder()
  Object.assign(card.PaymentDetails.PaymentMethod, { CardNumber: '4111 1111 1111 1112', CCID: '9876' })
  const cardExpired = cardOrder()
  Object.assign(cardExpired.PaymentDetails.PaymentMethod, { CardNumber: '4111111111111112', CCID: '9876', ExpirationYear: '2020' })
  const mismatch = cardOrder()
  Object.assign(mismatch.PaymentDetails.PaymentMethod, { CardType: 'amex', CCID: '9876' })
  const iban = orderPaidWith('DIRECTDEBIT', { FirstName: 'Jan', LastName: 'J', Iban: 'DE89 3704 0044 0532 0130 01' })
  const ach = orderPaidWith('DIRECT_DEBIT_ACH', { ...VALID_METHODS.DIRECT_DEBIT_ACH?.(), AccountNumber: '12345678' })
  const typeOnly = cardOrder()
  typeOnly.PaymentDetails.PaymentMethod.CardNumber = 4111111111111112
  for (const order of [card, cardExpired, mismatch, iban, ach, typeOnly]) {
    const result = validateOrder(order, NOW)
    t.equal(result.ok, false)
    const text = JSON.stringify(result)
    for (const secret of secrets) t.notOk(text.includes(secret), `answer does not contain ${secret.slice(0, 4)}…`)
  }
})

t.test('a valid order normalises payment method fields to their canonical flat form', async (t) => {
  const result = validateOrder(cardOrder(), NOW)
  t.ok(result.ok)
  if (!result.ok) return
  t.same(result.order.PaymentDetails, {
    Type: 'CC',
    Currency: 'USD',
    CustomerIP: '91.220.121.21',
    PaymentMethod: {
      CardNumber: '4111111111111111',
      CardType: 'visa',
      ExpirationYear: '2029',
      ExpirationMonth: '12',
      HolderName: 'John Doe',
      CCID: '123',
      Vendor3DSReturnURL: 'https://example.com/3ds/return',
      Vendor3DSCancelURL: 'https://example.com/3ds/cancel'
    }
  })
})

t.test('OrderSchema converts to an input JSON Schema without throwing', async (t) => {
  const schema = z.toJSONSchema(OrderSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, any>
  t.equal(schema.type, 'object')
  t.same([...schema.required].sort(), ['BillingDetails', 'Items', 'PaymentDetails'])
  t.ok(schema.properties.PaymentDetails.oneOf.length === PAYMENT_TYPES.length, 'one branch per payment type')
  t.same(schema.properties.Items.minItems, 1)
})

t.test('validateOrder is repeatable: the same input gives the same answer', async (t) => {
  const order = cardOrder()
  order.Items[0].Quantity = 0
  t.same(validateOrder(order, NOW), validateOrder(structuredClone(order), NOW))
  const ok = validateOrder(cardOrder(), NOW)
  t.same(ok, validateOrder(cardOrder(), NOW))
})
