import type { RequestHandler } from 'express';
import { ForbiddenError } from '../errors/forbidden-error';
import { callerOf } from './caller';

/** Lets only admin keys through: promoting models, bull-board. */
export function requireAdmin(): RequestHandler {
  return (_req, res, next) => {
    if (callerOf(res).role !== 'admin') throw new ForbiddenError('this needs an admin API key');
    next();
  };
}
