import type { EmulatedTransaction } from './emulator-state.js';

/** The event kinds the Gateway keeps a postback URL for, each (docs/webhooks.md). */
export const POSTBACK_KINDS = [
  'holdings',
  'orders',
  'smtOrders',
  'pendingActions',
  'mfHoldings',
  'lienStatus',
  'events',
] as const;

export type PostbackKind = (typeof POSTBACK_KINDS)[number];

/** Where a partner's postbacks go: one URL per kind, falling back to `url` for kinds without one. */
export interface PostbackUrls {
  readonly url?: string | undefined;
  readonly urls?: Readonly<Partial<Record<PostbackKind, string>>>;
}

export function postbackUrlFor(target: PostbackUrls, kind: PostbackKind): string | undefined {
  return target.urls?.[kind] ?? target.url;
}

/** Which postback a completed transaction sends. */
export function postbackKindOf(trx: Pick<EmulatedTransaction, 'intent' | 'orderConfig'>): PostbackKind {
  if (trx.intent === 'HOLDINGS_IMPORT') return 'holdings';
  if (trx.intent === 'MF_HOLDINGS_IMPORT') return 'mfHoldings';
  if (trx.intent === 'TRANSACTION') {
    const type = (trx.orderConfig as { type?: unknown } | null)?.type;
    return type === 'SECURITIES' ? 'orders' : 'smtOrders';
  }
  return 'events';
}

/**
 * Reads `kind=url` pairs separated by commas (EMULATOR_WEBHOOK_URLS), or a message naming what is
 * wrong.
 */
export function parsePostbackUrls(raw: string): Partial<Record<PostbackKind, string>> | string {
  const urls: Partial<Record<PostbackKind, string>> = {};
  for (const pair of raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [kind = '', url = ''] = pair.split(/=(.*)/s, 2);
    if (!(POSTBACK_KINDS as readonly string[]).includes(kind)) {
      return `${JSON.stringify(kind.slice(0, 40))} is not one of ${POSTBACK_KINDS.join(', ')}`;
    }
    if (!/^https?:\/\/\S+$/.test(url)) return `${kind}: must be an http(s) URL`;
    urls[kind as PostbackKind] = url;
  }
  return urls;
}
