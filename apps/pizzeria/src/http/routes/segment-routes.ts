import type { FastifyInstance } from 'fastify';
import type { PizzeriaServices } from '../../composition-root.js';
import { ADMIN_ONLY } from '../admin-auth.js';
import { idString, slugString } from '../schemas.js';

const segmentParams = {
  type: 'object',
  required: ['segment'],
  properties: { segment: slugString },
} as const;

const memberParams = {
  type: 'object',
  required: ['segment', 'customerId'],
  properties: { segment: slugString, customerId: idString },
} as const;

const addBody = {
  type: 'object',
  additionalProperties: false,
  required: ['customerId'],
  properties: { customerId: idString },
} as const;

const overlapQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['a', 'b'],
  properties: { a: slugString, b: slugString },
} as const;

const campaignBody = {
  type: 'object',
  additionalProperties: false,
  required: ['campaignId', 'segments'],
  properties: {
    campaignId: slugString,
    segments: { type: 'array', minItems: 1, maxItems: 20, uniqueItems: true, items: slugString },
  },
} as const;

const campaignParams = {
  type: 'object',
  required: ['campaignId'],
  properties: { campaignId: slugString },
} as const;

/** CustomerSegmentationService: sets, SINTER, SUNIONSTORE campaigns (7 days). */
export function registerSegmentRoutes(app: FastifyInstance, services: PizzeriaServices): void {
  const { segmentation } = services;

  app.post<{ Params: { segment: string }; Body: { customerId: string } }>(
    '/segments/:segment/customers',
    { config: ADMIN_ONLY, schema: { params: segmentParams, body: addBody } },
    async (request) => ({
      added: await segmentation.addCustomerToSegment(request.body.customerId, request.params.segment),
    }),
  );

  app.get<{ Params: { segment: string } }>(
    '/segments/:segment/customers',
    { config: ADMIN_ONLY, schema: { params: segmentParams } },
    async (request) => ({ customers: await segmentation.getSegmentCustomers(request.params.segment) }),
  );

  app.delete<{ Params: { segment: string; customerId: string } }>(
    '/segments/:segment/customers/:customerId',
    { config: ADMIN_ONLY, schema: { params: memberParams } },
    async (request) => ({
      removed: await segmentation.removeCustomerFromSegment(
        request.params.customerId,
        request.params.segment,
      ),
    }),
  );

  app.get<{ Querystring: { a: string; b: string } }>(
    '/segments/overlap',
    { config: ADMIN_ONLY, schema: { querystring: overlapQuery } },
    async (request) => ({
      customers: await segmentation.findOverlappingCustomers(request.query.a, request.query.b),
    }),
  );

  app.post<{ Body: { campaignId: string; segments: string[] } }>(
    '/campaigns',
    { config: ADMIN_ONLY, schema: { body: campaignBody } },
    async (request, reply) => {
      const { campaignId, segments } = request.body;
      const targetCount = await segmentation.createTargetedCampaign(segments, campaignId);
      return reply.status(201).send({ campaignId, segments, targetCount });
    },
  );

  app.get<{ Params: { campaignId: string } }>(
    '/campaigns/:campaignId/customers',
    { config: ADMIN_ONLY, schema: { params: campaignParams } },
    async (request) => ({ customers: await segmentation.getCampaignCustomers(request.params.campaignId) }),
  );
}
