/**
 * Cuts a value quoted in an error message to `max` characters: a 1 MB label or column name must not turn
 * into a 1 MB reason (job rows keep reasons in a TEXT column, and people read them).
 */
export const clipText = (text: string, max = 100): string =>
  text.length > max ? `${text.slice(0, max)}…` : text;
