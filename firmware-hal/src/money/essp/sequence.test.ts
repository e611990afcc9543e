import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  initialHostSeq,
  nextSeq,
  replyMatches,
  slaveSeqVerdict,
  type HostSeqState,
  type SeqBit,
  type SeqSend,
} from './sequence.js';

describe('host sequence bit', () => {
  it('sends SYNC with the bit set, then toggles per new command and keeps it on retry', () => {
    let state: HostSeqState = initialHostSeq;
    const bits: SeqBit[] = [];
    for (const kind of ['sync', 'new', 'retry', 'new', 'new', 'retry', 'sync', 'new'] as const) {
      const step = nextSeq(state, kind);
      bits.push(step.bit);
      state = step.state;
    }
    expect(bits).toEqual([1, 0, 0, 1, 0, 0, 1, 0]);
  });

  it('matches only a reply carrying the bit of the last command', () => {
    const { state } = nextSeq(nextSeq(initialHostSeq, 'sync').state, 'new');
    expect(replyMatches(state, 0)).toBe(true);
    expect(replyMatches(state, 1)).toBe(false);
  });

  it('with a slave that follows the rule, every new command is acted on once and no retry twice', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<SeqSend>('new', 'retry', 'sync'), { maxLength: 50 }),
        (kinds) => {
          let host: HostSeqState = nextSeq(initialHostSeq, 'sync').state;
          let slaveLast: SeqBit | undefined = 1;
          let acted = 0;
          let expected = 0;
          for (const kind of kinds) {
            const step = nextSeq(host, kind);
            host = step.state;
            const verdict = slaveSeqVerdict(slaveLast, step.bit, kind === 'sync');
            if (verdict === 'act') {
              acted++;
              slaveLast = step.bit;
            }
            if (kind !== 'retry') expected++;
          }
          expect(acted).toBe(expected);
        },
      ),
    );
  });
});
