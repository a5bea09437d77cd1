import { isConnectionFailure } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import { ObjectNotFoundError, S3UriError } from '@shelfwise/storage';
import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { ApiError } from '../errors/api-error';
import { NotFoundError } from '../errors/not-found-error';
import { RateLimitedError } from '../errors/rate-limited-error';
import { RequestError } from '../errors/request-error';
import { UnauthenticatedError } from '../errors/unauthenticated-error';
import { UnavailableError } from '../errors/unavailable-error';
import { ADMIN_QUEUES_PATH } from '../routes/admin-routes';
import { fieldProblems } from './field-problems';

/** Maps what a handler threw to an API error; undefined for the unexpected (a 500). */
function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof z.ZodError) {
    const problems = fieldProblems(error);
    const summary = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    return new RequestError(`invalid request: ${summary}`, problems);
  }
  if (error instanceof S3UriError) return new RequestError(error.message);
  if (error instanceof ObjectNotFoundError) return new NotFoundError(error.message);
  if (isConnectionFailure(error)) {
    return new UnavailableError('UNAVAILABLE', 'the database is unreachable; retry later', {
      retryAfterSeconds: 5,
    });
  }
  return undefined;
}

/** What an error is answered with. */
export interface ErrorAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: { error: { code: string; message: string; details?: unknown } };
}

/** The request an error happened in, as the answer and the log line need it. */
export interface ErrorPlace {
  method: string;
  /** The path without the query, as logged. */
  path: string;
}

/**
 * The one place errors become HTTP answers: `{error: {code, message, details}}` with the right status and
 * headers, logged by how bad they are. Express's error handler and the routes served without Express use it.
 */
export function errorAnswer(error: unknown, where: ErrorPlace, logger: Logger): ErrorAnswer {
  const answer = toApiError(error);
  if (!answer) {
    logger.error({ err: error, ...where }, 'unhandled error');
    return { status: 500, headers: {}, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
  }
  // The cause, never the request body (bodies may hold data users did not mean to log). Our own errors
  // were thrown on purpose, their stack says nothing; the services log the underlying cause.
  const cause = error instanceof ApiError ? {} : { err: error };
  if (answer.status >= 500) logger.warn({ ...cause, code: answer.code, ...where }, answer.message);
  else logger.debug({ code: answer.code, ...where }, answer.message);
  const headers: ErrorAnswer['headers'] = {};
  if (
    (answer instanceof UnavailableError || answer instanceof RateLimitedError) &&
    answer.retryAfterSeconds !== undefined
  ) {
    headers['Retry-After'] = String(answer.retryAfterSeconds);
  }
  if (answer instanceof UnauthenticatedError) {
    // A Basic challenge too on bull-board, so a browser asks for the admin key (as the password) itself.
    // One header per challenge: Chromium reads no Basic challenge out of a comma-joined list.
    const challenges = ['Bearer realm="shelfwise"'];
    if (where.path.startsWith(ADMIN_QUEUES_PATH)) challenges.push('Basic realm="shelfwise"');
    headers['WWW-Authenticate'] = challenges;
  }
  return {
    status: answer.status,
    headers,
    body: { error: { code: answer.code, message: answer.message, details: answer.details } },
  };
}

/** Express's end of errorAnswer. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    // originalUrl: under a mounted router (bull-board) req.path is relative to the mount.
    const { status, headers, body } = errorAnswer(
      error,
      { method: req.method, path: req.originalUrl.split('?')[0] ?? '' },
      logger,
    );
    res.status(status).set(headers).json(body);
  };
}
