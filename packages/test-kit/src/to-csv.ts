import { formatCsv } from '@shelfwise/csv';

/** A CSV file's text: the header line, then the rows (fields quoted where they must be). */
export const toCsv = (header: string[], rows: string[][]): string => formatCsv([header, ...rows]);
