import { join } from 'node:path'
import t, { type Test } from 'tap'
import { ARTIFACTS, missingPrerequisite, openConsole, openPage, PASSWORD, phoneLayoutProblems, startConsoleServer, type ConsoleServer, type RpcReply } from '../helpers/console.js'

// Payment links (issue 19 item 2) end to end: a real ordergate on PostgreSQL, an agent makes a
// draft and its link over JSON-RPC, and the customer pays it in Chromium on the hosted page,
// while the agent polls getPaymentLink. The page shows no agent data.

const skip = await missingPrerequisite()
if (skip !== undefined) t.comment(`SKIPPED: the payment link's browser test needs Chromium and PostgreSQL: ${skip}`)

const ORDER = {
  Currency: 'usd',
  Country: 'us',
  Language: 'en',
  Items: [{ Code: 'my_subscription_1', Quantity: 1 }],
  BillingDetails: { FirstName: 'Carla', LastName: 'Customer', CountryCode: 'us', State: 'CA', City: 'Los Angeles', Address1: '1 Main St', Zip: '90210', Email: 'carla@example.com' }
}

/** A new agent `username` (PLACE_ORDERS_ON_BEHALF) signed in over JSON-RPC, a draft of ORDER and its payment link. */
async function draftWithLink (t: Test, server: ConsoleServer, username: string): Promise<{ session: string, draft: RpcReply, link: RpcReply }> {
  await server.createUser(username, ['PLACE_ORDERS_ON_BEHALF'])
  const session = (await server.rpc('loginUser', ['DEMO', username, PASSWORD])).result as string
  const draft = await server.rpc('createDraft', [session, ORDER])
  t.notOk(draft.error, JSON.stringify(draft.error))
  const link = await server.rpc('createPaymentLink', [session, draft.result.DraftId, draft.result.Version])
  t.notOk(link.error, JSON.stringify(link.error))
  return { session, draft, link }
}

t.test('the customer opens the Url in Chromium, pays with a card and sees the confirmation; the agent sees the link PAID and the order AUTHRECEIVED', { skip: skip ?? false, timeout: 120_000 }, async (t) => {
  const server = await startConsoleServer(t)
  const username = 'link-agent'
  const { session, draft, link } = await draftWithLink(t, server, username)
  t.type(session, 'string', 'the agent is signed in')
  t.match(link.result.Url, new RegExp(`^${server.url}/pay/DEMO\\?token=[A-Za-z0-9_-]{43}$`), 'the Url is on the server\'s public URL')

  // Raw HTTP first: the page's headers and what it does not show.
  const raw = await fetch(link.result.Url)
  const body = await raw.text()
  t.equal(raw.status, 200)
  t.equal(raw.headers.get('cache-control'), 'no-store')
  t.match(raw.headers.get('content-security-policy'), /frame-ancestors 'none'/)
  t.notOk(body.includes(username), 'no agent username in the page')
  t.notOk(body.includes('carla@example.com'), 'no customer e-mail in the page')

  const { page, problems } = await openConsole(t, server.url, 'payment-link')
  await page.goto(link.result.Url)
  const total = draft.result.Price.AmountDue as number
  t.equal(await page.locator('#total').textContent(), new Intl.NumberFormat('en', { style: 'currency', currency: 'USD' }).format(total), 'the draft\'s total')
  t.notOk((await page.content()).includes(username), 'no agent username in the rendered page')
  await page.getByLabel('Name on the card').fill('Carla Customer')
  await page.getByLabel('Card number').fill('4111 1111 1111 1111')
  await page.getByLabel('Expiry month (MM)').fill('12')
  await page.getByLabel('Expiry year (YYYY)').fill('2030')
  await page.getByLabel('Security code (CVV)').fill('123')
  t.equal((await server.rpc('getPaymentLink', [session, link.result.LinkId])).result.Status, 'PENDING', 'the agent sees it PENDING before the payment')
  await page.getByRole('button', { name: /^Pay / }).click()
  await page.locator('#confirmation').waitFor()
  t.match(await page.locator('#confirmation').textContent(), /your payment was received/)
  const polled = (await server.rpc('getPaymentLink', [session, link.result.LinkId])).result
  t.match(polled, { Status: 'PAID', OrderStatus: 'AUTHRECEIVED' }, 'the agent sees it PAID')
  t.ok((await page.content()).includes(String(polled.RefNo)), 'the confirmation names the order')
  const merchantSession = await server.merchantSession()
  t.match((await server.rpc('getOrder', [merchantSession, polled.RefNo])).result, { Status: 'AUTHRECEIVED', Items: [{ Code: 'my_subscription_1' }] })
  t.same(problems, [], 'no console error or CSP violation on the page')
})

t.test('at 390 px the page has no horizontal scroll, every field and the Pay button is at least 44 px and tappable at its centre, and the payment completes by taps', { skip: skip ?? false, timeout: 120_000 }, async (t) => {
  const server = await startConsoleServer(t)
  const { session, link } = await draftWithLink(t, server, 'link-phone')

  const { browser } = await openConsole(t, server.url, 'payment-link')
  const problems: string[] = []
  const page = await openPage(t, browser, link.result.Url, problems)
  t.equal(await page.evaluate('window.innerWidth'), 390, 'a 390-px viewport')
  t.same(await phoneLayoutProblems(page), [], 'the form: no horizontal scroll, every control inside the width, 44 px and tappable')
  await page.screenshot({ path: join(ARTIFACTS, 'payment-link-390.png'), fullPage: true })

  await page.getByLabel('Name on the card').tap()
  await page.keyboard.type('Carla Customer')
  for (const [label, value] of [['Card number', '4111 1111 1111 1111'], ['Expiry month (MM)', '12'], ['Expiry year (YYYY)', '2030'], ['Security code (CVV)', '123']]) {
    await page.getByLabel(label!).tap()
    await page.keyboard.type(value!)
  }
  t.same(await phoneLayoutProblems(page), [], 'filled in: still no horizontal scroll, every control tappable')
  await page.getByRole('button', { name: /^Pay / }).tap()
  await page.locator('#confirmation').waitFor()
  t.match(await page.locator('#confirmation').textContent(), /your payment was received/)
  t.same(await phoneLayoutProblems(page), [], 'the confirmation at 390 px: no horizontal scroll')
  t.match((await server.rpc('getPaymentLink', [session, link.result.LinkId])).result, { Status: 'PAID', OrderStatus: 'AUTHRECEIVED' }, 'paid at 390 px: the agent sees it PAID')
  t.same(problems, [], 'no console error or CSP violation on the page')
})
