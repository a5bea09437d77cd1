import type { RequestHandler } from 'express';
import type { Authenticator } from './authenticator';

/** Express's end of the Authenticator: the caller of every request behind it in `res.locals.caller`, or 401. */
export function authenticate(authenticator: Authenticator): RequestHandler {
  return async (req, res, next) => {
    res.locals.caller = await authenticator.callerOf({
      authorization: req.get('authorization'),
      address: () => req.ip ?? 'unknown',
    });
    next();
  };
}
