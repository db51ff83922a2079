import type { Request, RequestHandler } from 'express';
import { AppError, UnauthenticatedError } from '../../errors/app-errors.js';
import type { PartnerAuthenticator, PartnerIdentity } from '../../partner-auth/partner-authenticator.js';
import { SessionRefusedError } from '../../partner-auth/session-refusal.js';

interface SessionState {
  identity?: PartnerIdentity;
  failure?: AppError;
}

const SESSION = Symbol('partner-session');
type RequestWithSession = Request & { [SESSION]?: SessionState };

/**
 * Resolves the partner session without rejecting yet, so that the rate limiter, which runs
 * next, can count failed attempts per client IP and good ones per user.
 */
export function resolvePartnerSession(authenticator: PartnerAuthenticator): RequestHandler {
  return async (req, _res, next) => {
    const state: SessionState = {};
    try {
      state.identity = await authenticator.authenticate(req);
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      // Only our own errors keep their code; a Node system error's `code` is not an AppError code.
      state.failure = error instanceof AppError ? error : new UnauthenticatedError();
    }
    (req as RequestWithSession)[SESSION] = state;
    next();
  };
}

/** The verified partner user, if the session resolved. */
export function sessionUserId(req: Request): string | undefined {
  return (req as RequestWithSession)[SESSION]?.identity?.userId;
}

/**
 * Rejects the request unless its partner session verified, logging why at `info` (the client
 * only sees `unauthenticated`; the request id in its problem body finds this line).
 */
export const requirePartnerSession: RequestHandler = (req, _res, next) => {
  const state = (req as RequestWithSession)[SESSION];
  if (state?.identity) {
    next();
    return;
  }
  const failure = state?.failure ?? new UnauthenticatedError();
  if (failure instanceof SessionRefusedError) {
    req.log.info({ reason: failure.reason, detail: failure.detail }, 'partner session refused');
  }
  next(failure);
};

/** The verified partner user id; only call behind `requirePartnerSession`. */
export function partnerUserId(req: Request): string {
  const userId = sessionUserId(req);
  if (userId === undefined) throw new UnauthenticatedError();
  return userId;
}
