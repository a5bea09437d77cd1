const NONE = new Uint8Array(0);

/**
 * Where the first invalid UTF-8 sequence starts in `bytes`, or -1 when there is none; a sequence cut off
 * at the end is not invalid (the next chunk may complete it). Only run after a decoder refused a chunk, to
 * find the row the bad byte is in: the decoder says that a chunk is bad, not where.
 */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    // The ranges of RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      if (i + k >= n) return -1;
      const next = bytes[i + k] as number;
      if (next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return -1;
}

/** The bytes at the end of `chunk` that begin a UTF-8 sequence the chunk does not complete. */
export function incompleteUtf8Tail(chunk: Uint8Array): Uint8Array {
  for (let back = 1; back <= Math.min(3, chunk.length); back++) {
    const byte = chunk[chunk.length - back] as number;
    if (byte < 0x80) return NONE;
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return length > back ? chunk.subarray(chunk.length - back) : NONE;
    }
  }
  return NONE;
}
