import { describe, expect, it } from 'vitest';
import { CustomerSegmentationService } from '../../src/services/customer-segmentation-service.js';
import type { SuiteContext } from '../pizzeria-fixture.js';
import { expectTtlNear, ms } from './expectations.js';

/** CustomerSegmentationService: sets, SINTER, SUNIONSTORE campaigns (7 days), one hash slot. */
export function segmentationSuite(ctx: SuiteContext): void {
  describe('CustomerSegmentationService', () => {
    async function seedSegments() {
      const { segmentation } = ctx.fixture().services;
      for (const c of ['c1', 'c2', 'c3']) await segmentation.addCustomerToSegment(c, 'vip');
      for (const c of ['c2', 'c3', 'c4']) await segmentation.addCustomerToSegment(c, 'weekend');
      await segmentation.addCustomerToSegment('c9', 'students');
      return segmentation;
    }

    it('adds customers to a segment that lives 30 days', async () => {
      const { services, repository } = ctx.fixture();
      expect(await services.segmentation.addCustomerToSegment('c1', 'vip')).toBe(true);
      expect(await services.segmentation.addCustomerToSegment('c1', 'vip')).toBe(false);
      expect(await services.segmentation.getSegmentCustomers('vip')).toEqual(['c1']);
      expectTtlNear(await repository.ttl(CustomerSegmentationService.segmentKeyOf('vip')), 30 * ms.day);
      expect(await services.segmentation.removeCustomerFromSegment('c1', 'vip')).toBe(true);
      expect(await services.segmentation.getSegmentCustomers('vip')).toEqual([]);
    });

    it('finds customers in both segments with SINTER', async () => {
      const segmentation = await seedSegments();
      expect(await segmentation.findOverlappingCustomers('vip', 'weekend')).toEqual(['c2', 'c3']);
      expect(await segmentation.findOverlappingCustomers('vip', 'students')).toEqual([]);
    });

    it('stores a campaign as the union of its segments, for 7 days', async () => {
      const segmentation = await seedSegments();
      expect(await segmentation.createTargetedCampaign(['vip', 'weekend', 'students'], 'spring')).toBe(5);
      expect(await segmentation.getCampaignCustomers('spring')).toEqual(['c1', 'c2', 'c3', 'c4', 'c9']);
      const key = CustomerSegmentationService.campaignKeyOf('spring');
      expectTtlNear(await ctx.fixture().repository.ttl(key), 7 * ms.day);
      expect(await segmentation.createTargetedCampaign(['nobody-here'], 'empty')).toBe(0);
      expect(await segmentation.getCampaignCustomers('empty')).toEqual([]);
    });

    it('keeps every segment and campaign key in one Cluster hash slot', () => {
      const keys = [
        CustomerSegmentationService.segmentKeyOf('vip'),
        CustomerSegmentationService.campaignKeyOf('spring'),
      ];
      for (const key of keys) expect(key).toContain(':{mario}:');
    });
  });
}
