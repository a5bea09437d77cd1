import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRoutes } from '../../test/list-routes';
import { call, startGateway, type TestGateway } from '../../test/test-gateway';
import { createTestServices, type TestServices } from '../../test/test-services';

interface Document {
  openapi: string;
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, Schema> };
}
interface OperationObject {
  parameters?: { name: string; in: string; description?: string; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, ResponseObject>;
}
interface ResponseObject {
  content?: Record<string, { schema: Schema }>;
}
interface Schema {
  description?: string;
  examples?: unknown[];
  default?: unknown;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}

/** Every field of `schema`, at any depth, that has no description: `where.field.sub`. */
function undescribedFields(schema: Schema, where: string): string[] {
  const missing: string[] = [];
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    if (!field.description) missing.push(`${where}.${name}`);
    missing.push(...undescribedFields(field, `${where}.${name}`));
  }
  for (const part of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) {
    missing.push(...undescribedFields(part, where));
  }
  if (schema.items) missing.push(...undescribedFields(schema.items, `${where}[]`));
  if (typeof schema.additionalProperties === 'object') {
    missing.push(...undescribedFields(schema.additionalProperties, `${where}.*`));
  }
  return missing;
}

describe('/openapi.json and /docs', () => {
  let services: TestServices;
  let gateway: TestGateway;
  let document: Document;

  beforeAll(async () => {
    services = await createTestServices('docs');
    gateway = await startGateway(services);
    document = (await call(`${gateway.url}/openapi.json`, 'GET')).body;
  });

  afterAll(async () => {
    await gateway?.close();
    await services?.close();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toMatch(/^3\.1\./);
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents exactly the routes the app serves', () => {
    const { routes, mounts } = listRoutes(gateway.gateway);
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(routes.length).toBeGreaterThan(10);
    expect([...documented].sort()).toEqual(routes);
    // bull-board is a UI with an API of its own, mounted whole; it is the only thing left out.
    expect(mounts).toEqual(['/admin/queues']);
  });

  it('describes every parameter and every field of every request and answer', () => {
    const missing: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        for (const parameter of operation.parameters ?? []) {
          if (!parameter.description) missing.push(`${where} ${parameter.in} ${parameter.name}`);
        }
        for (const [type, { schema }] of Object.entries(operation.requestBody?.content ?? {})) {
          missing.push(...undescribedFields(schema, `${where} request ${type}`));
        }
        for (const [status, answer] of Object.entries(operation.responses)) {
          for (const { schema } of Object.values(answer.content ?? {})) {
            missing.push(...undescribedFields(schema, `${where} ${status}`));
          }
        }
      }
    }
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      missing.push(...undescribedFields(schema, name));
    }
    expect(missing).toEqual([]);
  });

  it('gives each request field an example, and documents the training defaults the routes apply', () => {
    const body = (path: string) =>
      document.paths[path]?.post?.requestBody?.content['application/json']?.schema as Schema;
    for (const path of ['/v1/predict/csv', '/v1/train/csv', '/v1/train/human_feedback', '/v1/predict']) {
      for (const [name, field] of Object.entries(body(path).properties ?? {})) {
        expect(field.examples, `${path} ${name}`).toHaveLength(1);
      }
    }
    for (const path of ['/v1/train/csv', '/v1/train/human_feedback']) {
      const { properties, required } = body(path);
      expect(properties?.epoch_num?.default).toBe(10);
      expect(properties?.best_model_metric?.default).toBe('eval_f1_min');
      expect(properties?.epoch_num?.description).toContain('default 10');
      expect(required).toEqual([path === '/v1/train/csv' ? 'train_file_s3' : 'train_dir_s3']);
    }
  });

  it('describes real answers: they validate against the documented schemas', async () => {
    const ajv = new Ajv2020({ strict: false });
    const check = async (path: string, documentedPath: string, status: number) => {
      const answer = await call(`${gateway.url}${path}`, 'GET');
      expect(answer.status).toBe(status);
      const schema =
        document.paths[documentedPath]?.get?.responses[status]?.content?.['application/json']?.schema;
      expect(schema, `${documentedPath} ${status}`).toBeDefined();
      const validate = ajv.compile(schema as object);
      expect(validate(answer.body), JSON.stringify(validate.errors)).toBe(true);
    };
    await check('/healthz', '/healthz', 200);
    await check('/readyz', '/readyz', 200);
    await check('/v1/jobs?limit=5', '/v1/jobs', 200);
    await check('/v1/models', '/v1/models', 200);
    await check('/v1/monitoring', '/v1/monitoring', 200);
    await check('/v1/jobs/00000000-0000-4000-8000-000000000000', '/v1/jobs/{id}', 404);
    await check('/v1/monitoring?since=yesterday', '/v1/monitoring', 400);
  });

  it('serves Swagger UI from the gateway itself, pointed at the document', async () => {
    const page = await fetch(`${gateway.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${gateway.url}/docs/`);
    const html = await page.text();
    expect(html).toContain('swagger-ui-bundle.js');
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'docs.js']) {
      const answer = await fetch(`${gateway.url}/docs/${asset}`);
      expect(answer.status, asset).toBe(200);
      expect((await answer.arrayBuffer()).byteLength, asset).toBeGreaterThan(100);
    }
    expect(await (await fetch(`${gateway.url}/docs/docs.js`)).text()).toContain('openapi.json');
  });
});
