/**
 * Vendor3DSReturnURL / Vendor3DSCancelURL of console orders: the sandbox 3-D Secure page sends
 * the customer's window here with ?REFNO=…; this tells the console window that opened it (same
 * origin only) and closes. The console then reads the order's new status with getOrder.
 */
const params = new URLSearchParams(location.search)
const refNo = params.get('REFNO') ?? ''
const outcome = params.get('outcome') === 'cancel' ? 'cancel' : 'complete'
const message = document.getElementById('message')
const opener = window.opener as Window | null

if (opener !== null && !opener.closed) {
  opener.postMessage({ type: 'ordergate-3ds', refNo, outcome }, location.origin)
  if (message !== null) message.textContent = `3-D Secure ${outcome === 'cancel' ? 'was cancelled' : 'is done'} for order ${refNo}. This window closes now.`
  setTimeout(() => window.close(), 300)
} else if (message !== null) {
  message.textContent = `3-D Secure ${outcome === 'cancel' ? 'was cancelled' : 'is done'} for order ${refNo}. Go back to the console and refresh the order's status.`
}
