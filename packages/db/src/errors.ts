import { Prisma } from './generated/prisma/client';

const knownCode = (error: unknown): string | undefined =>
  error instanceof Prisma.PrismaClientKnownRequestError ? error.code : undefined;

/** A unique constraint refused the write (Prisma P2002). */
export const isUniqueViolation = (error: unknown): boolean => knownCode(error) === 'P2002';

/** An update or delete found no row (Prisma P2025). */
export const isRecordNotFound = (error: unknown): boolean => knownCode(error) === 'P2025';
