import type { FastifyInstance } from 'fastify';
import type { PizzeriaServices } from '../../composition-root.js';
import { NotFoundError } from '../../domain/errors.js';
import type { MenuItemPatch } from '../../domain/types.js';
import { ADMIN_ONLY } from '../admin-auth.js';
import { slugString } from '../schemas.js';

const itemParams = {
  type: 'object',
  required: ['itemId'],
  properties: { itemId: slugString },
} as const;

const patchBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 80 },
    description: { type: 'string', maxLength: 200 },
    price: { type: 'number', exclusiveMinimum: 0, maximum: 1000 },
    available: { type: 'boolean' },
  },
} as const;

/** MenuCacheService (cache-aside, invalidation) and ResilientMenuService (breaker + fallback). */
export function registerMenuRoutes(app: FastifyInstance, services: PizzeriaServices): void {
  const { menuCache, resilientMenu, menuSource } = services;

  app.get('/menu', async () => ({ items: await menuCache.getMenu() }));

  app.get<{ Params: { itemId: string } }>(
    '/menu/:itemId',
    { schema: { params: itemParams } },
    async (request) => {
      const item = await menuCache.getMenuItem(request.params.itemId);
      if (item === null) throw new NotFoundError('menu item', request.params.itemId);
      return item;
    },
  );

  app.get<{ Params: { itemId: string } }>(
    '/menu/:itemId/resilient',
    { schema: { params: itemParams } },
    async (request) => {
      const result = await resilientMenu.getMenuWithFallback(request.params.itemId);
      if (result === null) throw new NotFoundError('menu item', request.params.itemId);
      return result;
    },
  );

  // Writes go to the source of truth first, then the cached copies are dropped (cache-aside).
  app.patch<{ Params: { itemId: string }; Body: MenuItemPatch }>(
    '/menu/:itemId',
    { config: ADMIN_ONLY, schema: { params: itemParams, body: patchBody } },
    async (request) => {
      const item = await menuSource.updateMenuItem(request.params.itemId, request.body);
      if (item === null) throw new NotFoundError('menu item', request.params.itemId);
      await menuCache.invalidateMenuCache(item.id);
      await resilientMenu.invalidate(item.id);
      return item;
    },
  );

  app.delete<{ Params: { itemId: string } }>(
    '/menu/:itemId/cache',
    { config: ADMIN_ONLY, schema: { params: itemParams } },
    async (request) => ({ deleted: await menuCache.invalidateMenuCache(request.params.itemId) }),
  );

  app.delete('/menu/cache', { config: ADMIN_ONLY }, async () => ({
    deleted: await menuCache.invalidateMenuCache(),
  }));
}
