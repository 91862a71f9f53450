import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { ROUTE_DOCS, type RouteDoc, TAGS } from './route-docs.js';

/** Where the interactive OpenAPI page is served; the document is at `${DOCS_PREFIX}/json`. */
export const DOCS_PREFIX = '/docs';

const ERROR = {
  type: 'object',
  required: ['error', 'code'],
  properties: { error: { type: 'string' }, code: { type: 'string' }, field: { type: 'string' } },
};
const VALIDATION: unknown = {
  error: 'items[0].quantity must be >= 1',
  code: 'E_VALIDATION',
  field: 'items[0].quantity',
};

/**
 * Publishes the routes' JSON schemas as an OpenAPI 3.1 document (`/docs/json`) with Swagger UI at
 * `/docs`. Each route's summary, examples and responses come from `ROUTE_DOCS`; admin routes
 * (`config.admin`) carry the `adminToken` security requirement and a 401; every route documents
 * the rate limit's 429 and, when it validates input, the 400. The documentation never changes how
 * a route validates or serializes: the route keeps its own schema.
 *
 * Register it before the routes (it collects them as they are added).
 */
export function registerOpenApi(app: FastifyInstance): void {
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: "Mario's Pizzeria",
        version: '1.0.0',
        description:
          'The Forno reference app: every service of the Neuroglia Redis Cache Repository page behind an HTTP API. Admin routes need `Authorization: Bearer <token>` (the app prints the token it generated at start, or use `PIZZERIA_ADMIN_TOKEN`): press **Authorize**. Every error is `{ error, code, field? }`. The live dashboard is at [/](/).',
      },
      tags: [...TAGS],
      components: {
        securitySchemes: {
          adminToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'The admin token: PIZZERIA_ADMIN_TOKEN, or the one printed at start',
          },
        },
      },
    },
    transform: ({ schema, url, route }) => {
      const method = Array.isArray(route.method) ? route.method[0] : route.method;
      const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const doc = ROUTE_DOCS[`${method} ${path}`];
      const admin = route.config?.admin === true;
      return { schema: documented((schema ?? {}) as FastifySchema, doc, admin), url };
    },
  });
  void app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    uiConfig: { docExpansion: 'list', deepLinking: true, validatorUrl: null, tryItOutEnabled: false },
  });
}

function documented(schema: FastifySchema, doc: RouteDoc | undefined, admin: boolean): FastifySchema {
  if ((schema as { hide?: boolean }).hide === true || doc === undefined) return schema;
  const validates =
    schema.body !== undefined || schema.params !== undefined || schema.querystring !== undefined;
  const response: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(doc.responses)) {
    if (answer.example === undefined) response[status] = { description: answer.description, type: 'null' };
    else if (answer.contentType !== undefined) {
      response[status] = {
        description: answer.description,
        content: { [answer.contentType]: { schema: { type: 'string', examples: [answer.example] } } },
      };
    } else {
      const status4xx = Number(status) >= 400;
      response[status] = {
        description: answer.description,
        ...(status4xx ? ERROR : {}),
        examples: [answer.example],
      };
    }
  }
  if (validates)
    response['400'] ??= { description: 'invalid input, naming the field', ...ERROR, examples: [VALIDATION] };
  if (admin) {
    response['401'] = {
      description: 'the admin token is missing or wrong',
      ...ERROR,
      examples: [
        { error: 'this route needs the admin token: Authorization: Bearer <token>', code: 'E_UNAUTHORIZED' },
      ],
    };
  }
  response['429'] = {
    description: "over the client's budget (300 requests, 60 writes a minute): see Retry-After",
    ...ERROR,
    examples: [{ error: 'too many requests: retry in 12 s', code: 'E_RATE_LIMITED' }],
  };
  return {
    ...schema,
    tags: [doc.tag],
    summary: doc.summary,
    ...(doc.description === undefined ? {} : { description: doc.description }),
    ...(admin ? { security: [{ adminToken: [] }] } : {}),
    ...(doc.body === undefined || schema.body === undefined
      ? {}
      : { body: { ...(schema.body as object), examples: [doc.body] } }),
    response,
  };
}
