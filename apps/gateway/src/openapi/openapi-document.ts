import { errorBody } from '@shelfwise/contracts';
import { z } from 'zod';
import type { Operation, OperationResponse } from './operation';

type JsonSchema = Record<string, unknown>;

/**
 * JSON Schema 2020-12 (OpenAPI 3.1's dialect) from a zod schema: requests as the route accepts them
 * (`input`: defaults make fields optional), answers as it sends them (`output`).
 */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io });
  return rest;
}

/** A parameter's description and first example, where Swagger UI shows them: on the parameter itself. */
function described(schema: JsonSchema): JsonSchema {
  const examples = schema.examples as unknown[] | undefined;
  return {
    ...(schema.description ? { description: schema.description } : {}),
    ...(examples?.length ? { example: examples[0] } : {}),
    schema,
  };
}

function parameters(operation: Operation): JsonSchema[] {
  const path = Object.entries(operation.pathParams ?? {}).map(([name, schema]) => ({
    name,
    in: 'path',
    required: true,
    ...described(jsonSchema(schema, 'input')),
  }));
  const headers = Object.entries(operation.headers ?? {}).map(([name, { description, schema }]) => ({
    name,
    in: 'header',
    required: false,
    description,
    schema: jsonSchema(schema, 'input'),
  }));
  const query = operation.query ? jsonSchema(operation.query, 'input') : { properties: {} };
  const required = new Set((query.required as string[] | undefined) ?? []);
  const queryParams = Object.entries(query.properties as Record<string, JsonSchema>).map(
    ([name, schema]) => ({ name, in: 'query', required: required.has(name), ...described(schema) }),
  );
  return [...path, ...queryParams, ...headers];
}

function response({ description, schema, contentType, headers }: OperationResponse): JsonSchema {
  const type = contentType ?? 'application/json';
  const body = schema ? jsonSchema(schema, 'output') : { type: 'string' };
  return {
    description,
    ...(contentType === undefined && schema === undefined ? {} : { content: { [type]: { schema: body } } }),
    ...(headers
      ? {
          headers: Object.fromEntries(
            Object.entries(headers).map(([name, text]) => [
              name,
              { description: text, schema: { type: 'string' } },
            ]),
          ),
        }
      : {}),
  };
}

const errorAnswer = (description: string, headers?: Record<string, string>): JsonSchema => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  ...(headers
    ? {
        headers: Object.fromEntries(
          Object.entries(headers).map(([name, text]) => [
            name,
            { description: text, schema: { type: 'string' } },
          ]),
        ),
      }
    : {}),
});

/** What every route behind the key check may also answer. */
function accessResponses(access: 'client' | 'admin'): Record<string, JsonSchema> {
  return {
    401: errorAnswer('UNAUTHENTICATED: no API key, or an unknown or revoked one', {
      'WWW-Authenticate': '`Bearer`',
    }),
    403: errorAnswer(
      access === 'admin'
        ? 'FORBIDDEN: this needs an admin key'
        : 'FORBIDDEN: a client key naming an input it does not own (the field is in `details`)',
    ),
    429: errorAnswer('RATE_LIMITED: over the per-key limit, or too many unknown keys from this address', {
      'Retry-After': 'seconds until the window ends',
    }),
  };
}

function operationObject(operation: Operation): JsonSchema {
  const params = parameters(operation);
  const { body } = operation;
  const access = operation.access ?? 'client';
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    description:
      access === 'open' ? 'Open: no API key.' : access === 'admin' ? 'Needs an admin key.' : 'Any API key.',
    tags: [operation.tag],
    ...(access === 'open' ? { security: [] } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            ...(body.description ? { description: body.description } : {}),
            content: {
              [body.contentType ?? 'application/json']: { schema: jsonSchema(body.schema, 'input') },
            },
          },
        }
      : {}),
    responses: {
      ...Object.fromEntries(
        Object.entries(operation.responses).map(([status, answer]) => [status, response(answer)]),
      ),
      ...(access === 'open' ? {} : accessResponses(access)),
    },
  };
}

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

/** The OpenAPI 3.1 document of `operations`, every schema generated from the zod schemas routes validate with. */
export function openApiDocument(operations: Operation[], info: DocumentInfo): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const operation of operations) {
    paths[operation.path] ??= {};
    const item = paths[operation.path] as Record<string, JsonSchema>;
    item[operation.method] = operationObject(operation);
  }
  return {
    // No jsonSchemaDialect: OpenAPI 3.1's default dialect is JSON Schema 2020-12, which zod generates.
    openapi: '3.1.1',
    info,
    tags: [...new Set(operations.map((o) => o.tag))].map((name) => ({ name })),
    // Every operation needs a key unless it says `security: []`.
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key (`pnpm apikey create`, or ADMIN_API_KEY) as `Authorization: Bearer <key>`',
        },
      },
      schemas: { Error: jsonSchema(errorBody, 'output') },
    },
  };
}
