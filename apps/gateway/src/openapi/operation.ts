import type { z } from 'zod';

/** One documented answer: a JSON body (its schema), another media type, or no body. */
export interface OperationResponse {
  description: string;
  schema?: z.ZodType;
  /** Default `application/json`; a non-JSON answer (CSV, HTML, text) is documented as a string. */
  contentType?: string;
  headers?: Record<string, string>;
}

/** An HTTP route as the OpenAPI document describes it, pointing at the zod schemas the route validates with. */
export interface Operation {
  method: 'get' | 'post';
  /** OpenAPI path syntax: `/v1/jobs/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  pathParams?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  headers?: Record<string, { description: string; schema: z.ZodType }>;
  body?: { schema: z.ZodType; contentType?: string; description?: string };
  responses: Record<number, OperationResponse>;
  /** Who may call it: `open` needs no key, `client` any key, `admin` an admin key. Default: `client`. */
  access?: 'open' | 'client' | 'admin';
}
