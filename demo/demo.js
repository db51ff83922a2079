// The demo partner page: everything a partner's web app does with gateway-token-service and the
// smallcase Gateway web SDK, using only the browser client and the SDK's public API.
const config = JSON.parse(document.getElementById('demo-config').textContent);
const { createTokenClient } = await import(`${config.serviceUrl}/client/gateway-token-client.js`);

// What to tell the user for each SDK error (README, Frontend integration), and what they can do about it.
const SDK_ERROR_HELP = {
  user_cancelled: [
    'You closed the broker window before finishing.',
    'Nothing was changed. Start again when you are ready.',
  ],
  transaction_expired: ['The broker session timed out.', 'Start again: every attempt gets a new session.'],
  invalid_jwt: ['Your secure session with smallcase could not be renewed.', 'Reload the page and try again.'],
  user_mismatch: [
    'You logged in with a different broker account than the one linked here.',
    'Log in with the linked account, or unlink it first.',
  ],
  consent_denied: ['You did not allow access to your holdings.', 'Start again and accept to share them.'],
  no_broker: ['Your broker is not supported yet.', 'Choose another broker if you have an account there.'],
  intent_not_enabled_for_broker: [
    'Your broker does not support this yet.',
    'Try another broker, or contact us.',
  ],
  market_closed: ['The market is closed.', 'Place the order during market hours, 9:15 to 15:30 IST.'],
  order_pending: ['Your previous order is still being processed.', 'Wait for it to finish, then try again.'],
};
const FALLBACK_HELP = ['smallcase could not complete the request.', 'Try again in a few minutes.'];
const FINAL_STATUSES = new Set(['COMPLETED', 'ERRORED', 'CANCELLED', 'EXPIRED']);

const $ = (id) => document.getElementById(id);
let client;
let sdk;
let sdkToken;
let sessionToken;

function show(message) {
  $('problem').replaceChildren();
  $('notice').textContent = message;
}

function showProblem(what, todo) {
  $('notice').textContent = '';
  const lines = [what, todo]
    .filter(Boolean)
    .map((text) => Object.assign(document.createElement('p'), { textContent: text }));
  $('problem').replaceChildren(...lines);
}

/** Turns any failure into words: SDK errors carry a numeric `code`, service errors a string one. */
function explain(error) {
  if (typeof error?.code === 'number') {
    const [what, todo] = SDK_ERROR_HELP[error.message] ?? FALLBACK_HELP;
    return showProblem(what, `${todo} (SDK error ${error.message}, ${error.code})`);
  }
  if (error?.name === 'GatewayTokenError') {
    const ref = error.requestId ? ` Reference: ${error.requestId}.` : '';
    return showProblem(error.detail ?? error.message, `Please try again.${ref}`);
  }
  showProblem(error?.message ?? String(error), 'Please try again.');
}

/** Runs `task` with the page's buttons disabled, showing any failure. */
async function busy(task) {
  const buttons = [...document.querySelectorAll('button')];
  for (const button of buttons) button.disabled = true;
  try {
    await task();
  } catch (error) {
    explain(error);
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = Object.assign(document.createElement('script'), { src, async: true });
    script.addEventListener('load', resolve, { once: true });
    script.addEventListener('error', () => reject(new Error(`Could not load the SDK from ${src}`)), {
      once: true,
    });
    document.head.append(script);
  });
}

async function logIn(userId) {
  const cookieMode = config.sessionMode === 'cookie';
  const response = await fetch(`${config.serviceUrl}/dev/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId }),
    credentials: cookieMode ? 'include' : 'same-origin',
  });
  if (response.status === 404)
    throw new Error('Development login is off: start the service with DEV_LOGIN=true.');
  if (!response.ok) throw new Error(`Login failed (HTTP ${response.status}).`);
  // Bearer mode keeps the session JWT in memory only; cookie mode leaves it in the HttpOnly cookie.
  sessionToken = cookieMode ? undefined : (await response.json()).sessionToken;
  client = createTokenClient(
    cookieMode
      ? { baseUrl: config.serviceUrl, credentials: 'include' }
      : { baseUrl: config.serviceUrl, getSession: () => sessionToken },
  );
  $('user-name').textContent = userId;
  await showAccount();
  $('account').hidden = false;
  show(`Logged in as ${userId}.`);
}

async function showAccount() {
  const token = await client.getToken();
  const connected = token.userType === 'connected';
  $('user-type').textContent = connected ? 'Connected: broker linked' : 'Guest: no broker linked';
  const expiresAt = new Date(token.expiresAt);
  const minutes = Math.max(0, Math.round((expiresAt.getTime() - Date.now()) / 60_000));
  const time = expiresAt.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  $('token-expiry').textContent = `${time} (in ${minutes} min)`;
  $('connect').hidden = connected;
  $('unlink').hidden = !connected;
  $('order-section').hidden = !connected;
  $('holdings-section').hidden = !connected;
  if (connected) {
    const holdings = await showHoldings();
    if (holdings.broker) $('user-type').textContent = `Connected: broker linked (${holdings.broker})`;
  }
  return token;
}

async function showHoldings() {
  const holdings = await client.holdings();
  const rows = (holdings.securities ?? []).map((security) => {
    const row = document.createElement('tr');
    const cells = [
      security.name,
      security.nseTicker ?? security.bseTicker ?? '',
      String(security.holdings?.quantity ?? 0),
      Number(security.holdings?.averagePrice ?? 0).toLocaleString('en-IN', { minimumFractionDigits: 2 }),
    ];
    cells.forEach((text, index) => {
      const cell = document.createElement('td');
      cell.textContent = text;
      if (index >= 2) cell.className = 'number';
      row.append(cell);
    });
    return row;
  });
  $('holdings-body').replaceChildren(...rows);
  $('holdings-caption').textContent = `Holdings at ${holdings.broker ?? 'your broker'}`;
  return holdings;
}

/** Hands the current token to the SDK (re-initialising it when the token changed) and starts the flow. */
async function trigger(transactionId) {
  const { gatewayName, smallcaseAuthToken } = await client.getToken();
  if (!sdk) sdk = new window.scDK({ gateway: gatewayName, smallcaseAuthToken });
  else if (smallcaseAuthToken !== sdkToken) await sdk.init({ smallcaseAuthToken });
  sdkToken = smallcaseAuthToken;
  return sdk.triggerTransaction({ transactionId });
}

/** Creates the transaction on the service and runs it through the SDK, renewing the token once if refused. */
async function runFlow(intent, transactionConfig) {
  const { transactionId } = await client.createTransaction(intent, transactionConfig);
  try {
    return { transactionId, result: await trigger(transactionId) };
  } catch (error) {
    if (error?.message !== 'invalid_jwt') throw error;
    await client.refresh();
    return { transactionId, result: await trigger(transactionId) };
  }
}

async function connectBroker() {
  show('Opening the broker login…');
  const { transactionId } = await runFlow('CONNECT');
  const linked = await client.link(transactionId);
  await showAccount();
  show(`Broker ${linked.broker} connected.`);
}

async function placeOrder(ticker, quantity) {
  show(`Placing an order for ${quantity} × ${ticker}…`);
  const securities = [{ ticker, quantity, type: 'BUY' }];
  const { transactionId } = await runFlow('TRANSACTION', { orderConfig: { type: 'SECURITIES', securities } });
  let status = 'PENDING';
  for (let attempt = 0; attempt < 10 && !FINAL_STATUSES.has(status); attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 1000));
    status = (await client.getTransaction(transactionId)).status;
    $('order-status').textContent = `Order ${transactionId}: ${status}`;
  }
  show(`Order for ${quantity} × ${ticker}: ${status}.`);
  await showHoldings();
}

$('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  busy(() => logIn($('user-id').value.trim()));
});
$('connect').addEventListener('click', () => busy(connectBroker));
$('unlink').addEventListener('click', () =>
  busy(async () => {
    await client.unlink();
    await showAccount();
    show('Broker unlinked. You are a guest again.');
  }),
);
$('refresh-token').addEventListener('click', () =>
  busy(async () => {
    await client.refresh();
    await showAccount();
    show('Token refreshed.');
  }),
);
$('order-form').addEventListener('submit', (event) => {
  event.preventDefault();
  busy(() => placeOrder($('ticker').value.trim().toUpperCase(), Number($('quantity').value)));
});

$('session-mode').textContent =
  config.sessionMode === 'cookie'
    ? 'Session: an HttpOnly cookie set by the service (cookie mode).'
    : 'Session: a bearer token kept in memory (bearer mode).';
$('sdk-kind').textContent = config.sdkIsStandIn ? "the emulator's SDK stand-in" : config.sdkUrl;
await loadScript(config.sdkUrl);
$('log-in').disabled = false;
document.body.dataset.ready = 'true';
