import { describe, expect, it } from 'vitest';
import { sampleState } from '../api/sample-data.test-util.js';
import { pickOffer } from './pick-offer.js';

const paid = (credits: number) =>
  sampleState({
    credits,
    pricing: { freePlay: false, songPrice: 1, playNextPrice: 3, currency: 'USD', minorUnit: 2 },
    money: { coins: 'ok', notes: 'ok', message: null },
  });

describe('pickOffer', () => {
  it('free play: always playable, never offers play next or asks for money', () => {
    const offer = pickOffer(sampleState({ credits: 0 }), null);
    expect(offer).toMatchObject({ freePlay: true, canPlay: true, offerPlayNext: false });
    expect(offer.missingCredits).toBeNull();
  });

  it('asks for what the plain pick is missing, and offers play next once it is covered', () => {
    expect(pickOffer(paid(0), null)).toMatchObject({ canPlay: false, missingCredits: 1 });
    expect(pickOffer(paid(2), null)).toMatchObject({
      canPlay: true,
      offerPlayNext: false,
      missingCredits: null,
    });
    expect(pickOffer(paid(3), null)).toMatchObject({ canPlay: true, offerPlayNext: true });
  });

  it("shows the core's refusal only while the balance it judged is unchanged", () => {
    const shortfall = { missingCredits: 2, credits: 1 };
    expect(pickOffer(paid(1), shortfall).missingCredits).toBe(2);
    expect(pickOffer(paid(4), shortfall)).toMatchObject({ canPlay: true, missingCredits: null });
  });

  it('before the first state, leaves the judgement to the core', () => {
    expect(pickOffer(null, null)).toMatchObject({ canPlay: true, missingCredits: null });
  });
});
