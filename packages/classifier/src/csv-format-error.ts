/** A CSV the classifier cannot use; `row` (1-based data row, header excluded) and `column` say where. */
export class CsvFormatError extends Error {
  constructor(
    message: string,
    readonly row: number | null,
    readonly column: string | null,
  ) {
    super(message);
    this.name = 'CsvFormatError';
  }
}
