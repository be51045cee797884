import { describe, expect, it } from 'vitest';
import { nextTier, ratingFor, TIER_LIMITS, TIERS } from './quality.js';

const config = { PARLEY_API_QUALITY_YELLOW_PERCENT: 2, PARLEY_API_QUALITY_RED_PERCENT: 5, PARLEY_API_QUALITY_MIN_BASE: 100 };

describe('quality rating', () => {
  it('takes the share of reached customers who blocked or reported, over at least the base', () => {
    expect(ratingFor(config, 0, 0)).toBe('GREEN');
    expect(ratingFor(config, 1, 10)).toBe('GREEN'); // 1 % of the base of 100, not 10 %
    expect(ratingFor(config, 2, 10)).toBe('YELLOW');
    expect(ratingFor(config, 4, 100)).toBe('YELLOW');
    expect(ratingFor(config, 5, 100)).toBe('RED');
    expect(ratingFor(config, 5, 251)).toBe('GREEN');
    expect(ratingFor(config, 6, 251)).toBe('YELLOW');
    expect(ratingFor(config, 12, 251)).toBe('YELLOW');
    expect(ratingFor(config, 13, 251)).toBe('RED');
  });

  it('orders the tiers 250 → 2K → 10K → 100K → unlimited', () => {
    expect(TIERS.map((t) => TIER_LIMITS[t])).toEqual([250, 2000, 10_000, 100_000, null]);
    expect(nextTier('TIER_250')).toBe('TIER_2K');
    expect(nextTier('TIER_100K')).toBe('TIER_UNLIMITED');
    expect(nextTier('TIER_UNLIMITED')).toBeNull();
  });
});
