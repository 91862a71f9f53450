import type { FastifyInstance } from 'fastify';

/** One operation of the app's OpenAPI document. */
export interface DocumentedRoute {
  /** `METHOD /path` as Fastify spells it: `GET /menu/:itemId`. */
  readonly route: string;
  /** It needs the admin token (it carries the `adminToken` security requirement). */
  readonly admin: boolean;
  /** The OpenAPI operation object. */
  readonly operation: Record<string, unknown>;
}

/** Every operation `GET /docs/json` documents (the list of the API's routes, which `/` used to give). */
export async function documentedRoutes(app: FastifyInstance): Promise<DocumentedRoute[]> {
  const response = await app.inject('/docs/json');
  if (response.statusCode !== 200) throw new Error(`GET /docs/json → ${response.statusCode}`);
  const paths = response.json().paths as Record<string, Record<string, Record<string, unknown>>>;
  return Object.entries(paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      route: `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`,
      admin: Array.isArray(operation.security) && operation.security.length > 0,
      operation,
    })),
  );
}
