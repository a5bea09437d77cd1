import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { ApiError } from '../errors/api-error';
import { PayloadTooLargeError } from '../errors/payload-too-large-error';
import { RequestError } from '../errors/request-error';

interface BodyParserError {
  type?: unknown;
  status?: unknown;
  message?: unknown;
}

/** Turns body-parser's untyped errors into ours, so the error handler only knows typed errors. */
const typedBodyErrors =
  (limitBytes: number): ErrorRequestHandler =>
  (error: BodyParserError, _req, _res, next) => {
    // Ours (a 401 or 429 from before the body was read) carry a status too: pass them on untouched.
    if (error instanceof ApiError) {
      next(error);
    } else if (error.type === 'entity.too.large') {
      next(new PayloadTooLargeError(`the body is larger than ${limitBytes} bytes`));
    } else if (error.type === 'entity.parse.failed') {
      next(new RequestError(`the body is not a JSON object or array: ${String(error.message)}`));
    } else if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
      next(new RequestError(`the body could not be read: ${String(error.message)}`));
    } else {
      next(error);
    }
  };

/** The largest JSON body the API accepts: 1 MiB. */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

/** JSON bodies only (strict: objects and arrays), bounded in size. */
export function jsonBody(limitBytes = JSON_BODY_LIMIT_BYTES): [RequestHandler, ErrorRequestHandler] {
  return [express.json({ limit: limitBytes, strict: true }), typedBodyErrors(limitBytes)];
}
