// The broker picker of the SDK stand-in: runs on the emulator's origin inside the partner page's
// frame, finishes the flow through the emulator and reports the answer to the opener page only.
const BROKERS = [
  { id: 'kite', name: 'Zerodha Kite' },
  { id: 'upstox', name: 'Upstox' },
  { id: 'groww', name: 'Groww' },
  { id: 'angelone', name: 'Angel One' },
];
const INTENT_TITLES = {
  CONNECT: 'Connect your broker',
  TRANSACTION: 'Confirm your order',
  HOLDINGS_IMPORT: 'Import your holdings',
};

const params = new URLSearchParams(window.location.search);
const transactionId = params.get('transactionId') ?? '';
const parentOrigin = originOrUndefined(params.get('origin'));
const $ = (id) => document.getElementById(id);

function originOrUndefined(value) {
  try {
    const url = new URL(value ?? '');
    return url.origin === value ? value : undefined;
  } catch {
    return undefined;
  }
}

function describeOrder(orderConfig) {
  const securities = Array.isArray(orderConfig?.securities) ? orderConfig.securities : [];
  return securities
    .map((s) => `${s.type === 'SELL' ? 'Sell' : 'Buy'} ${s.quantity ?? 1} × ${s.ticker}`)
    .join(', ');
}

function renderBrokers(preselected) {
  const list = $('brokers');
  for (const broker of BROKERS) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = 'broker';
    input.value = broker.id;
    input.checked = broker.id === (preselected ?? BROKERS[0].id);
    label.append(input, broker.name);
    list.append(label);
  }
}

async function finish(action) {
  for (const button of document.querySelectorAll('button')) button.disabled = true;
  $('status').textContent = 'Working…';
  let answer;
  try {
    const response = await fetch(`/__emulator/sdk/transactions/${encodeURIComponent(transactionId)}/finish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(action),
    });
    answer = await response.json();
  } catch {
    answer = { status: 'rejected', error: { name: 'internal_error', code: 2000 } };
  }
  window.parent.postMessage({ source: 'scdk-stand-in', transactionId, answer }, parentOrigin);
}

async function load() {
  if (!parentOrigin || window.parent === window) {
    $('summary').textContent = 'Open this page through scdk.js triggerTransaction.';
    return;
  }
  const response = await fetch(`/__emulator/sdk/transactions/${encodeURIComponent(transactionId)}`);
  if (!response.ok) {
    $('summary').textContent = 'Unknown transaction.';
    return;
  }
  const trx = await response.json();
  $('title').textContent = INTENT_TITLES[trx.intent] ?? `Complete ${trx.intent}`;
  const order = describeOrder(trx.orderConfig);
  $('summary').textContent = `${trx.gateway} asks you to log in to your broker${order ? `: ${order}` : ''}.`;
  renderBrokers(trx.broker);
  $('login').hidden = false;
  $('login').querySelector('input:checked')?.focus();
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  const broker = new FormData(event.target).get('broker');
  finish({ outcome: 'complete', broker });
});
$('cancel').addEventListener('click', () => finish({ outcome: 'cancel' }));
$('fail').addEventListener('click', () => finish({ outcome: 'error', error: 'internal_error' }));
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') finish({ outcome: 'cancel' });
});
load();
