import type { CacheRepository, Duration } from '@forno/core';

/** Options of {@link CustomerSegmentationService}. */
export interface CustomerSegmentationServiceOptions {
  /** Lifetime of a segment, renewed when a customer is added (default `'30d'`). */
  readonly segmentTtl?: Duration;
  /** Lifetime of a campaign's audience (default `'7d'`). */
  readonly campaignTtl?: Duration;
}

/**
 * Hash tag shared by every segment and campaign key. SUNIONSTORE and SINTERSTORE write their result
 * server-side, so on Redis Cluster the sources and the destination must live in one hash slot; the
 * `{mario}` tag puts them all there (the price: all segments live on one primary).
 */
const TAG = '{mario}';

/**
 * Customer segmentation: one set of customer ids per marketing segment, SINTER
 * for overlaps, and campaigns stored as the SUNIONSTORE of their segments, for 7 days.
 */
export class CustomerSegmentationService {
  readonly #cache: CacheRepository;
  readonly #segmentTtl: Duration;
  readonly #campaignTtl: Duration;

  constructor(cache: CacheRepository, options: CustomerSegmentationServiceOptions = {}) {
    this.#cache = cache;
    this.#segmentTtl = options.segmentTtl ?? '30d';
    this.#campaignTtl = options.campaignTtl ?? '7d';
  }

  /** The set key of a segment: `segments:{mario}:<segment>`. */
  static segmentKeyOf(segment: string): string {
    return `segments:${TAG}:${segment}`;
  }

  /** The set key of a campaign's audience: `segments:{mario}:campaign:<id>`. */
  static campaignKeyOf(campaignId: string): string {
    return `segments:${TAG}:campaign:${campaignId}`;
  }

  /** Adds a customer to a segment (which then lives 30 more days); `false` if already in it. */
  async addCustomerToSegment(customerId: string, segment: string): Promise<boolean> {
    const key = CustomerSegmentationService.segmentKeyOf(segment);
    const added = await this.#cache.sadd(key, customerId);
    await this.#cache.expire(key, this.#segmentTtl);
    return added === 1;
  }

  /** Removes a customer from a segment; `false` if not in it. */
  async removeCustomerFromSegment(customerId: string, segment: string): Promise<boolean> {
    return (await this.#cache.srem(CustomerSegmentationService.segmentKeyOf(segment), customerId)) === 1;
  }

  /** Customers of a segment, sorted. */
  async getSegmentCustomers(segment: string): Promise<string[]> {
    return sorted(await this.#cache.smembers<string>(CustomerSegmentationService.segmentKeyOf(segment)));
  }

  /** Customers in both segments (SINTER), sorted. */
  async findOverlappingCustomers(segment1: string, segment2: string): Promise<string[]> {
    return sorted(
      await this.#cache.sinter<string>([
        CustomerSegmentationService.segmentKeyOf(segment1),
        CustomerSegmentationService.segmentKeyOf(segment2),
      ]),
    );
  }

  /**
   * Stores the union of `segments` as the campaign's audience (SUNIONSTORE, server-side), expiring
   * in 7 days; returns how many customers it targets. An empty union stores nothing (Redis deletes
   * empty sets) and returns 0.
   */
  async createTargetedCampaign(segments: readonly string[], campaignId: string): Promise<number> {
    const key = CustomerSegmentationService.campaignKeyOf(campaignId);
    const count = await this.#cache.sunionstore(
      key,
      segments.map((segment) => CustomerSegmentationService.segmentKeyOf(segment)),
    );
    if (count > 0) await this.#cache.expire(key, this.#campaignTtl);
    return count;
  }

  /** The audience of a campaign, sorted (empty once it expired). */
  async getCampaignCustomers(campaignId: string): Promise<string[]> {
    return sorted(await this.#cache.smembers<string>(CustomerSegmentationService.campaignKeyOf(campaignId)));
  }
}

function sorted(values: string[]): string[] {
  return values.sort((a, b) => a.localeCompare(b));
}
