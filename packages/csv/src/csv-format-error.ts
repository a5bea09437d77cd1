/** A CSV that cannot be used as given; `row` is the 1-based data row (the header is row 0). */
export class CsvFormatError extends Error {
  constructor(
    message: string,
    readonly row?: number,
    readonly column?: string,
  ) {
    super(message);
    this.name = 'CsvFormatError';
  }
}
