import { Prisma } from './generated/prisma/client';

// Prisma's own codes for "cannot reach / lost / timed out on the database", and the pool or transaction start timing out.
const CONNECTION_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
// The MariaDB driver wraps socket and pool failures as driver-adapter errors (P2039 and others): its 45xxx
// connection/pool errnos, and the server's "gone away", "lost connection", "too many connections", "shutting down".
const DRIVER_CONNECTION_ERRNOS = new Set([
  45001, 45009, 45012, 45013, 45019, 45026, 45027, 45028, 45035, 45037, 45039, 2002, 2003, 2006, 2013, 1040,
  1053,
]);

const driverCause = (error: Prisma.PrismaClientKnownRequestError) =>
  (error.meta?.driverAdapterError as { cause?: { code?: unknown; kind?: unknown } } | undefined)?.cause;

const driverErrno = (error: Prisma.PrismaClientKnownRequestError): unknown => driverCause(error)?.code;

/** A unique constraint refused the write: Prisma's P2002, or the driver's kind for a raw statement (P2010). */
export const isUniqueViolation = (error: unknown): boolean =>
  error instanceof Prisma.PrismaClientKnownRequestError &&
  (error.code === 'P2002' || driverCause(error)?.kind === 'UniqueConstraintViolation');

/** MySQL could not be reached or stopped answering: a request should answer 503, not 500. */
export const isConnectionFailure = (error: unknown): boolean => {
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (CONNECTION_CODES.has(error.code)) return true;
  const errno = driverErrno(error);
  return typeof errno === 'number' && DRIVER_CONNECTION_ERRNOS.has(errno);
};
