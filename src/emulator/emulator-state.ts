import { randomBytes } from 'node:crypto';

export interface EmulatedTransaction {
  readonly transactionId: string;
  readonly intent: string;
  status: string;
  readonly createdAt: number;
  readonly expireAt: number;
  updatedAt: number;
  /** smallcaseAuthId of the connected token that created it; null for guest-created ones. */
  readonly createdBy: string | null;
  smallcaseAuthId: string | null;
  broker: string | null;
  error: { code: string; message: string } | null;
  readonly orderConfig: unknown;
  readonly notes: string | null;
}

export type Fault =
  | { kind: 'hang' }
  | { kind: 'status'; status: number }
  | { kind: 'redirect'; location: string }
  | { kind: 'html' }
  | { kind: 'oversize'; bytes: number }
  /** Answers with this envelope `data` (status 200), whatever the request: any shape a test needs. */
  | { kind: 'answer'; data: unknown };

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  /** Lower-cased header names to values, exactly as received. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly at: number;
}

/** All mutable emulator state, exposed so in-process tests can inspect it directly. */
export interface EmulatorState {
  readonly transactions: Map<string, EmulatedTransaction>;
  /** Broker each smallcaseAuthId completed a flow with. */
  readonly accounts: Map<string, string>;
  readonly faults: Array<{ fault: Fault; remaining: number }>;
  readonly requests: RecordedRequest[];
  newTransactionId(): string;
  /** Takes the next queued fault, if any, counting it down. */
  takeFault(): Fault | undefined;
  reset(): void;
}

const MAX_RECORDED_REQUESTS = 1000;

export function createEmulatorState(): EmulatorState {
  const state: EmulatorState = {
    transactions: new Map(),
    accounts: new Map(),
    faults: [],
    requests: [],
    newTransactionId: () => `TRX_${randomBytes(16).toString('hex')}`,
    takeFault() {
      const head = state.faults[0];
      if (!head) return undefined;
      head.remaining -= 1;
      if (head.remaining <= 0) state.faults.shift();
      return head.fault;
    },
    reset() {
      state.transactions.clear();
      state.accounts.clear();
      state.faults.length = 0;
      state.requests.length = 0;
    },
  };
  return state;
}

/** Keeps the request log bounded so a long-running emulator does not grow without limit. */
export function recordRequest(state: EmulatorState, request: RecordedRequest): void {
  state.requests.push(request);
  if (state.requests.length > MAX_RECORDED_REQUESTS) state.requests.shift();
}
