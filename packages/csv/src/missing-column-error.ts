import { clipText } from './clip-text';
import { CsvFormatError } from './csv-format-error';

/** The header lacks columns the reader was told are required; `column` is the first of them. */
export class MissingColumnError extends CsvFormatError {
  constructor(
    readonly missing: readonly string[],
    readonly header: readonly string[],
  ) {
    super(
      `missing required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (header: ${clipText(header.join(', '), 200)})`,
      0,
      missing[0],
    );
  }
}
