export { clipText } from './clip-text';
export { CsvFormatError } from './csv-format-error';
export { MissingColumnError } from './missing-column-error';
export { neutraliseFormula } from './neutralise-formula';
export { type CsvHeader, type CsvReadOptions, type CsvRow, readCsv, readCsvBatches } from './read-csv';
export { RecordBoundaries, type RecordPlan, type RecordSlice } from './record-boundaries';
export { csvField, type FormatCsvOptions, formatCsv } from './write-csv';
