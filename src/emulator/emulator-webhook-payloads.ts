import { randomBytes } from 'node:crypto';
import { signWebhook } from '../webhooks/webhook-checksum.js';
import { holdingsFor } from './emulator-fixtures.js';
import type { EmulatedTransaction } from './emulator-state.js';

type Payload = Record<string, unknown>;

interface SecurityOrder {
  ticker: string;
  quantity: number;
  type: string;
}

function ordersOf(orderConfig: unknown): SecurityOrder[] {
  const securities = (orderConfig as { securities?: unknown } | null)?.securities;
  if (!Array.isArray(securities)) return [];
  return securities
    .filter((s): s is { ticker: string } => typeof s?.ticker === 'string')
    .map((s) => {
      const { quantity, type } = s as { quantity?: unknown; type?: unknown };
      return {
        ticker: s.ticker,
        quantity: typeof quantity === 'number' ? quantity : 1,
        type: type === 'SELL' ? 'SELL' : 'BUY',
      };
    });
}

/** The securities-order postback (docs/webhooks.md, "The emulator sends real webhooks"): one completed batch. */
function securitiesBody(trx: EmulatedTransaction, at: number): Payload {
  const orders = ordersOf(trx.orderConfig).map((order, index) => ({
    status: 'COMPLETE',
    quantity: order.quantity,
    filledQuantity: order.quantity,
    tradingsymbol: order.ticker,
    transactionType: order.type,
    averagePrice: 100 + index,
    exchange: 'NSE',
    orderType: 'MARKET',
    product: 'CNC',
    exchangeOrderId: `${at}${index}`,
  }));
  const amount = (type: string) =>
    orders.filter((o) => o.transactionType === type).reduce((sum, o) => sum + o.quantity * o.averagePrice, 0);
  return {
    batchId: `BATCH_${randomBytes(8).toString('hex')}`,
    buyAmount: amount('BUY'),
    sellAmount: amount('SELL'),
    quantity: orders.reduce((sum, o) => sum + o.quantity, 0),
    filled: orders.reduce((sum, o) => sum + o.filledQuantity, 0),
    status: 'COMPLETED',
    variety: 'regular',
    completedDate: new Date(at).toISOString(),
    orders,
  };
}

const MF_HOLDINGS = [
  {
    folio: '1234567/89',
    fund: 'Example Flexi Cap Fund - Direct Growth',
    isin: 'INF000K01AB1',
    quantity: 412.35,
  },
];

/**
 * The webhook the emulator sends when a transaction completes: securities orders for
 * `TRANSACTION`, holdings for `HOLDINGS_IMPORT`, a unified MF payload (no smallcaseAuthId, so
 * checksummed over the transactionId) for `MF_HOLDINGS_IMPORT`, and a plain status notice for
 * other intents (an emulator convenience; the Gateway documents none for CONNECT).
 */
export function completionWebhook(trx: EmulatedTransaction, apiSecret: string, now: number): Payload {
  const timestamp = Math.floor(now / 1000);
  const account = trx.smallcaseAuthId ?? undefined;
  let body: Payload;
  if (trx.intent === 'MF_HOLDINGS_IMPORT') {
    body = { data: { mutualFunds: { holdings: MF_HOLDINGS } } };
  } else if (trx.intent === 'HOLDINGS_IMPORT') {
    body = { ...holdingsFor(account ?? '', trx.broker ?? 'kite', now), status: trx.status };
  } else if (trx.intent === 'TRANSACTION') {
    body = securitiesBody(trx, now);
  } else {
    body = { status: trx.status, broker: trx.broker };
  }
  const withAccount = trx.intent === 'MF_HOLDINGS_IMPORT' ? undefined : account;
  return signWebhook(
    apiSecret,
    { timestamp, smallcaseAuthId: withAccount, transactionId: trx.transactionId },
    { ...body, intent: trx.intent },
  );
}
