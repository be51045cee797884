import { describe, expect, it } from 'vitest';
import { reviewDefinition } from './review.js';
import { scoreOf } from './quality.js';
import { checkTemplateCreate } from './validate.js';

const review = (category: string, text: string, extra: Record<string, unknown> = {}) =>
  reviewDefinition(checkTemplateCreate({ name: 'sample_notice', language: 'en', category, components: [{ type: 'BODY', text }], ...extra }));

describe('template review rules', () => {
  it('finds promotional wording in either language, accents and case aside', () => {
    for (const text of ['Use code SPRING for 15 % off.', 'Flash SALE ends tonight.', 'Buy now and get a free gift.', 'Profitez de -20% ce week-end.', 'Votre RÉDUCTION vous attend.', 'Livraison offerte dès 30 €.', 'Profitez-en avant dimanche !', 'Profitez de nos offres de la semaine.', 'Offre spéciale réservée aux membres.']) {
      expect(review('UTILITY', text), text).toMatchObject({ status: 'REJECTED', rejectedReason: 'INCORRECT_CATEGORY' });
      expect(review('MARKETING', text).status, text).toBe('APPROVED');
    }
  });

  it('leaves ordinary service wording alone', () => {
    for (const text of [
      'Feel free to reply if you have questions.',
      'Your sales receipt is attached.',
      'Tap Stop promotions to opt out.',
      'Votre rendez-vous est confirmé, à bientôt.',
      'Profitez de votre séjour : votre chambre est prête.',
      'Your free-form message was received.',
      'Your reduced-mobility seat is booked.',
    ]) {
      expect(review('UTILITY', text), text).toMatchObject({ status: 'APPROVED', rejectedReason: 'NONE', problems: [] });
    }
  });

  it('re-categorises a promotional utility template only when allowed, and ranks the most serious reason first', () => {
    expect(review('UTILITY', 'Shop now: 20% off!', { allow_category_change: true })).toMatchObject({ status: 'APPROVED', category: 'MARKETING' });
    expect(review('UTILITY', 'Shop now, idiot: 20% off!', { allow_category_change: true })).toMatchObject({ status: 'REJECTED', rejectedReason: 'ABUSIVE_CONTENT', category: 'UTILITY' });
    const both = review('UTILITY', 'You have won! Send us your password for 20% off.');
    expect(both.rejectedReason).toBe('SCAM');
    expect(both.problems.map((p) => p.reason).sort()).toEqual(['INCORRECT_CATEGORY', 'SCAM']);
    expect(both.rejectionInfo).toEqual({ reason: expect.stringContaining('scam'), recommendation: expect.stringContaining('password') });
  });
});

describe('template quality score', () => {
  it('stays UNKNOWN without data, then rates by the share of recipients who blocked or reported', () => {
    expect(scoreOf(0, 0)).toBe('UNKNOWN');
    expect(scoreOf(9, 0)).toBe('UNKNOWN');
    expect(scoreOf(10, 0)).toBe('GREEN');
    expect(scoreOf(3, 1)).toBe('YELLOW');
    expect(scoreOf(3, 2)).toBe('RED');
    expect(scoreOf(100, 9)).toBe('GREEN');
    expect(scoreOf(100, 10)).toBe('YELLOW');
    expect(scoreOf(100, 20)).toBe('RED');
  });
});
