/** What a handler answers: a JSON message, or artifact bytes to stream back. */
export type RouteResult =
  | { kind: 'json'; status: number; body: object }
  | { kind: 'bytes'; status: number; body: Buffer; contentType: string; fileName: string };
