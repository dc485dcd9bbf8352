import t from 'tap'
import { agentMessage, agentMessages, fieldName } from '../../../src/console/web/field-errors.js'

// The console shows API errors in the agent's words (issue 19 item 6): never a wire path
// ("BillingDetails.City is required."), never Zod's text, one message per field.

const KNOWN = new Set(['BillingDetails.City', 'BillingDetails.State', 'BillingDetails.Zip', 'DeliveryDetails.State', 'PaymentDetails.PaymentMethod.CardNumber',
  'PaymentDetails.PaymentMethod.CCID', 'Assisted.Items.0.Discount.Value', 'Assisted.Discount.Reason', 'Items.1.Quantity', 'Customer.Email', 'BillingDetails'])

t.test('each field the checkout shows has a plain name', async (t) => {
  const names: Array<[string, string]> = [
    ['BillingDetails.City', 'city'], ['Order.BillingDetails.Zip', 'ZIP or postcode'], ['/DeliveryDetails/State', 'state'],
    ['PaymentDetails.PaymentMethod.CardPayment.CCID', 'security code'], ['PaymentDetails.PaymentMethod.CardNumber', 'card number'],
    ['Assisted.Items.0.Discount.Value', 'discount value'], ['Assisted.Discount.Reason', 'discount reason'], ['Assisted.PaymentNotRequired.Reason', 'replacement reason'], ['Assisted.PaymentNotRequired', 'replacement'],
    ['Items[1].Quantity', 'quantity'], ['DeliveryInformation.ShippingMethod.Code', 'shipping method'], ['Something.Unknown', 'value']
  ]
  for (const [path, name] of names) t.equal(fieldName(path), name, path)
})

t.test('the API\'s messages are reworded by error_code, with no path or Zod text left', async (t) => {
  const cases: Array<[{ path: string, error_code?: string, message: string }, string]> = [
    [{ path: 'BillingDetails.City', error_code: 'FIELD_REQUIRED', message: 'BillingDetails.City is required.' }, 'Enter the city.'],
    [{ path: 'BillingDetails.Zip', error_code: 'FIELD_TOO_LONG', message: 'BillingDetails.Zip must be at most 32 characters.' }, 'The ZIP or postcode is too long: shorten it.'],
    [{ path: 'BillingDetails.State', error_code: 'BILLING_STATE_REQUIRED', message: 'BillingDetails.State is required. BillingDetails.State is required for US, CA, BR, TR, IN and RO.' }, 'Enter the state: this country needs one.'],
    [{ path: 'BillingDetails.State', error_code: 'BILLING_STATE_INVALID', message: 'BillingDetails.State is not a state of the billing country.' }, 'This is not a state of the country entered: check both.'],
    [{ path: 'PaymentDetails.PaymentMethod.CardNumber', error_code: 'CARD_NUMBER_INVALID', message: 'The card number is not valid.' }, 'This card number is not valid: check the digits with the customer.'],
    [{ path: 'PaymentDetails.PaymentMethod.CCID', error_code: 'CARD_CCID_INVALID', message: 'CCID must be 3 digits (4 for amex).' }, 'The security code is 3 digits (4 on American Express).'],
    [{ path: 'Items.1.Quantity', error_code: 'ORDER_ITEMS_QUANTITY_INVALID', message: 'Quantity must be an integer from 1 to 10000.' }, 'Enter a whole number from 1 to 10,000.'],
    [{ path: 'Items.0.Quantity', error_code: 'ORDER_ITEMS_QUANTITY_INVALID', message: 'only 110 of "BOOK-PRINT" can be ordered (on hand + backorder limit − reserved); the order asks for 200' }, 'Lower the quantity: only 110 can be ordered.'],
    // completeDraft's refusals of a replacement (draft-replacement.test shows them beside the fields)
    [{ path: 'Assisted.PaymentNotRequired.OriginalRefNo', error_code: 'ORDER_NOT_FOUND', message: 'no order 999999999 for this merchant to replace' }, 'There is no order 999999999 to replace: check the original order\'s number.'],
    [{ path: 'Assisted.PaymentNotRequired', error_code: 'NOT_ALLOWED', message: 'only a user with REPLACEMENT_ORDERS may send it' }, 'Only a user with the replacement orders privilege may place a replacement: ask a supervisor, or choose another way to pay.'],
    // discount authority: the limit in the agent's words, and who can lift it; a refused approval
    [{ path: 'Assisted.Items.0.Discount.Value', error_code: 'DISCOUNT_LIMIT_EXCEEDED', message: 'above the AGENT limit MaxLinePercent of 10 %' }, 'Above your limit of 10 % for a line discount: a supervisor can approve it.'],
    [{ path: 'Assisted.Discount.Value', error_code: 'DISCOUNT_LIMIT_EXCEEDED', message: 'above the AGENT limit MaxOrderAmount of 5.00 USD' }, 'Above your limit of 5.00 USD for an order discount: a supervisor can approve it.'],
    [{ path: 'Assisted.Approval', error_code: 'DISCOUNT_APPROVAL_FAILED', message: 'unknown supervisor or wrong password' }, 'The supervisor\'s username or password is wrong: ask them to type it again (each wrong try counts as a failed sign-in of theirs).'],
    [{ path: 'Assisted.Approval', error_code: 'DISCOUNT_APPROVAL_FAILED', message: 'user anna lacks the privilege APPROVE_DISCOUNTS' }, 'This user may not approve discounts: ask a supervisor.'],
    [{ path: 'Assisted.Approval', error_code: 'DISCOUNT_APPROVAL_FAILED', message: 'a discount is approved by another user than the one who gives it' }, 'You cannot approve your own discount: ask a supervisor.'],
    // a code worded for one field only: elsewhere the API's message is read as for an unknown code
    [{ path: 'Assisted.CustomItems.0.Price', error_code: 'NOT_ALLOWED', message: 'Assisted.CustomItems.0.Price may not change' }, 'Check the value: it is not valid.'],
    // no error_code: the API's wording recognised
    [{ path: 'Assisted.Discount.Reason', message: 'Invalid input: expected string, received undefined' }, 'Enter the discount reason.'],
    [{ path: 'Assisted.Items.0.Discount.Value', message: 'Too small: expected number to be >=0' }, 'Check the discount value: it is not valid.'],
    [{ path: 'Customer.Email', message: 'Invalid email address' }, 'Check the e-mail address: it is not valid.'],
    [{ path: 'Customer.FirstName', message: 'Customer.FirstName is required' }, 'Enter the first name.'],
    [{ path: 'BillingDetails.Company', error_code: 'SOMETHING_NEW', message: 'BillingDetails.Company must be a company.' }, 'Check the company: it is not valid.'],
    // the page's own words stay
    [{ path: 'Assisted.Items.0.Discount.Reason', message: 'Say why the discount is given (it is recorded with your name).' }, 'Say why the discount is given (it is recorded with your name).']
  ]
  for (const [problem, expected] of cases) {
    const said = agentMessage(problem)
    t.equal(said, expected, `${problem.path} (${problem.error_code ?? 'no code'})`)
    t.notMatch(said, /[A-Z][a-zA-Z]+\.[A-Z]|Invalid input|expected|received|\bCCID\b/, 'no wire path or Zod text')
  }
})

t.test('one message per field: a missing US State named twice by the API is shown once, beside the state', async (t) => {
  const problems = [
    { path: 'BillingDetails.State', error_code: 'BILLING_STATE_REQUIRED', message: 'BillingDetails.State is required. BillingDetails.State is required for US, CA, BR, TR, IN and RO.' },
    { path: 'BillingDetails.State', error_code: 'FIELD_REQUIRED', message: 'BillingDetails.State is required.' },
    { path: 'BillingDetails.City', error_code: 'FIELD_REQUIRED', message: 'BillingDetails.City is required.' },
    { path: 'PaymentDetails.PaymentMethod.CardPayment.CCID', error_code: 'CARD_CCID_INVALID', message: 'CCID must be 3 digits (4 for amex).' },
    { path: 'Unknown.Field', message: 'x' }
  ]
  t.same([...agentMessages(problems, KNOWN)], [
    ['BillingDetails.State', 'Enter the state: this country needs one.'],
    ['BillingDetails.City', 'Enter the city.'],
    ['PaymentDetails.PaymentMethod.CCID', 'The security code is 3 digits (4 on American Express).']
  ], 'the first problem of each field; none without a field on the page')
})
