import { describe, expect, it } from 'vitest';
import { PauseHolders } from './pause-holders.js';

describe('PauseHolders', () => {
  it('keeps downloads paused until every holder has let go', () => {
    const p = new PauseHolders();
    expect(p.reason()).toBeNull();
    p.hold('operator', 'servicing the box');
    p.hold('cd-burn', 'burning disc 7K3M-9QXP-2D4F');
    expect(p.reason()).toBe('burning disc 7K3M-9QXP-2D4F');
    // The burn ends: the operator's pause stays.
    expect(p.release('cd-burn')).toBe('servicing the box');
    expect(p.release('operator')).toBeNull();
  });

  it('an operator resume does not cut into a burn; a holder pausing again updates its reason', () => {
    const p = new PauseHolders();
    p.hold('cd-burn', 'burning disc A');
    p.hold('operator', 'x');
    expect(p.release('operator')).toBe('burning disc A');
    p.hold('cd-burn', 'burning disc B');
    expect(p.reason()).toBe('burning disc B');
    expect(p.release('unknown')).toBe('burning disc B');
    expect(p.release('cd-burn')).toBeNull();
  });
});
