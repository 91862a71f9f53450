import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedRoutes } from '../../../test/documented-routes.js';
import { createHttpFixture, type HttpFixture } from '../../../test/http-fixture.js';
import { ROUTE_DOCS } from './route-docs.js';

let http: HttpFixture;

beforeAll(async () => {
  http = await createHttpFixture();
});

afterAll(async () => {
  await http.close();
});

type Operation = {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: { examples?: unknown[] } }> };
  responses: Record<
    string,
    {
      description: string;
      content?: Record<string, { schema?: unknown; example?: unknown; examples?: unknown }>;
    }
  >;
};

/** An example of a response or a body, wherever OpenAPI 3.1 keeps it. */
function exampleOf(media: { schema?: unknown; example?: unknown; examples?: unknown } | undefined): unknown {
  const schema = media?.schema as { examples?: unknown[] } | undefined;
  return media?.example ?? media?.examples ?? schema?.examples?.[0];
}

describe('the OpenAPI document (GET /docs/json)', () => {
  it('is OpenAPI 3.1 with the admin token as a bearer scheme', async () => {
    const document = (await http.inject('/docs/json')).json();
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.title).toBe("Mario's Pizzeria");
    expect(document.components.securitySchemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('describes every route: a summary, a tag, an example of each documented answer and of each body', async () => {
    const routes = await documentedRoutes(http.app);
    const documented = new Set(routes.map(({ route }) => route));
    // Every entry of ROUTE_DOCS is a real route, and every route has an entry.
    expect([...documented].sort()).toEqual(
      Object.keys(ROUTE_DOCS)
        .map((key) => key.replace(/\{([^}]+)\}/g, ':$1'))
        .sort(),
    );
    for (const { route, operation } of routes) {
      const op = operation as Operation;
      expect(op.summary, route).toMatch(/\w/);
      expect(op.tags, route).toHaveLength(1);
      const success = Object.entries(op.responses).filter(([status]) => status.startsWith('2'));
      expect(success.length, route).toBeGreaterThan(0);
      for (const [status, answer] of Object.entries(op.responses)) {
        expect(answer.description, `${route} ${status}`).toMatch(/\w/);
        if (status !== '204') {
          const media = Object.values(answer.content ?? {})[0];
          expect(exampleOf(media), `${route} ${status}`).toBeDefined();
        }
      }
      expect(op.responses['429'], route).toBeDefined();
      if (op.requestBody !== undefined) {
        expect(exampleOf(op.requestBody.content['application/json']), `${route} body`).toBeDefined();
      }
    }
  });

  it('gives admin routes the adminToken requirement and a 401, and open routes neither', async () => {
    for (const { route, admin, operation } of await documentedRoutes(http.app)) {
      const op = operation as Operation;
      expect(op.responses['401'] !== undefined, route).toBe(admin);
      if (admin) expect(op.security, route).toEqual([{ adminToken: [] }]);
    }
  });

  it("each body example passes the route's own validation", async () => {
    for (const { route, operation } of await documentedRoutes(http.app)) {
      const op = operation as Operation;
      if (op.requestBody === undefined) continue;
      const [method, path] = route.split(' ') as [string, string];
      const example = exampleOf(op.requestBody.content['application/json']);
      const response = await http.admin({
        method: method as 'POST',
        url: path
          .replace(':itemId', 'margherita')
          .replace(':ingredientId', 'mozzarella')
          .replace(/:\w+/g, 'c42'),
        payload: example as object,
      });
      expect(response.statusCode === 400 ? response.json() : 'valid', route).toBe('valid');
    }
  });
});

describe('the docs page and the security headers', () => {
  it('serves Swagger UI at /docs from the app itself', async () => {
    const page = await http.inject('/docs/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger-ui-bundle.js');
    expect(page.body).not.toMatch(/src="https?:/);
    expect((await http.inject('/docs/static/swagger-ui-bundle.js')).statusCode).toBe(200);
  });

  it('sends a content security policy that allows only the app: no inline script anywhere', async () => {
    for (const url of ['/', '/health', '/docs/', '/assets/dashboard.js']) {
      const response = await http.inject(url);
      const policy = String(response.headers['content-security-policy']);
      expect(policy, url).toContain("default-src 'self'");
      expect(policy, url).toContain("script-src 'self';");
      expect(policy, url).toContain("connect-src 'self'");
      expect(policy, url).toContain("frame-ancestors 'none'");
      expect(policy, url).not.toContain('unsafe-eval');
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
    }
    // Inline styles only for Swagger UI's page, which sets them from React.
    expect(String((await http.inject('/')).headers['content-security-policy'])).not.toContain(
      'unsafe-inline',
    );
    expect(String((await http.inject('/docs/')).headers['content-security-policy'])).toContain(
      "style-src 'self' 'unsafe-inline'",
    );
  });
});
