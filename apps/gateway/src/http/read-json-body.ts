import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError } from '../errors/payload-too-large-error';
import { RequestError } from '../errors/request-error';

/**
 * The JSON body of a request served without Express, read as `jsonBody()` reads it for the Express routes:
 * only with a JSON content type (otherwise there is no body: undefined), objects and arrays only, at most
 * `limitBytes`, an empty body as `{}`. Compressed bodies are refused by name rather than read as garbage.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const type = req.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
  if (type !== 'application/json' && !type?.endsWith('+json')) {
    req.resume();
    return undefined;
  }
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    throw new RequestError(`the body is sent with content-encoding ${encoding}: send it uncompressed`);
  }
  const tooLarge = () => new PayloadTooLargeError(`the body is larger than ${limitBytes} bytes`);
  if (Number(req.headers['content-length'] ?? 0) > limitBytes) throw tooLarge();
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      length += chunk.length;
      // Refused at once; node discards the rest of the body after the answer, keeping the connection.
      if (length > limitBytes) reject(tooLarge());
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', (error) => reject(new RequestError(`the body could not be read: ${error.message}`)));
    req.on('close', () => reject(new RequestError('the body could not be read: the client went away')));
  });
  const first = /\S/.exec(text)?.[0];
  if (first === undefined) return {};
  if (first !== '{' && first !== '[') {
    throw new RequestError(`the body is not a JSON object or array: it starts with ${JSON.stringify(first)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RequestError(`the body is not a JSON object or array: ${(error as Error).message}`);
  }
}
