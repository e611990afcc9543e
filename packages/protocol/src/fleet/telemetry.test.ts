import { describe, expect, it } from 'vitest';
import { MAX_TELEMETRY_BATCH, telemetryBatch, telemetryRecord } from './telemetry.js';
import { records, T0 } from './test-support/examples.js';

function pathOf(result: { error?: { issues: { path: PropertyKey[] }[] } | undefined }) {
  return result.error?.issues[0]?.path.join('.');
}

const [play, ledger, songRequest, status] = records() as [
  ReturnType<typeof records>[number],
  ReturnType<typeof records>[number],
  ReturnType<typeof records>[number],
  ReturnType<typeof records>[number],
];

describe('telemetry records', () => {
  it('accepts one good record of each kind', () => {
    for (const record of records()) expect(telemetryRecord.parse(record)).toStrictEqual(record);
    expect(telemetryBatch.parse({ records: records() }).records).toHaveLength(4);
  });

  it('accepts a running play (no end yet), a spend and a free credit', () => {
    const { endedAt: _e, ...running } = play.data as Record<string, unknown>;
    expect(telemetryRecord.safeParse({ ...play, data: running }).success).toBe(true);
    const spend = { entrySeq: 10, kind: 'spend', credits: -2 };
    expect(telemetryRecord.safeParse({ ...ledger, data: spend }).success).toBe(true);
    const free = { entrySeq: 11, kind: 'free', credits: 2, reason: 'coin jam', staff: 'ann' };
    expect(telemetryRecord.safeParse({ ...ledger, data: free }).success).toBe(true);
  });

  it('trims song requests', () => {
    const parsed = telemetryRecord.parse({
      ...songRequest,
      data: { text: '  more Abba  ', title: ' Waterloo ' },
    });
    expect(parsed.data).toEqual({ text: 'more Abba', title: 'Waterloo' });
  });

  it.each([
    ['seq 0', { ...play, seq: 0 }, 'seq'],
    ['a negative seq', { ...play, seq: -1 }, 'seq'],
    ['a fractional seq', { ...play, seq: 1.5 }, 'seq'],
    ['a seq as a string', { ...play, seq: '41' }, 'seq'],
    ['a bad time', { ...play, at: 'now' }, 'at'],
    ['an unknown kind', { ...play, kind: 'crash' }, 'kind'],
    ['an unknown key', { ...play, boxId: 'b' }, ''],
    ['the data of another kind', { ...play, data: ledger.data }, 'data.playSeq'],
    [
      'a play with no local track',
      { ...play, data: { ...play.data, localTrackId: undefined } },
      'data.localTrackId',
    ],
    [
      'a play with negative credits',
      { ...play, data: { ...play.data, paidCredits: -1 } },
      'data.paidCredits',
    ],
    [
      'a play with a bad catalog id',
      { ...play, data: { ...play.data, catalogId: '../etc' } },
      'data.catalogId',
    ],
    [
      'a play with completed as a string',
      { ...play, data: { ...play.data, completed: 'yes' } },
      'data.completed',
    ],
    ['an unknown ledger kind', { ...ledger, data: { ...ledger.data, kind: 'gift' } }, 'data.kind'],
    ['a ledger entry seq 0', { ...ledger, data: { ...ledger.data, entrySeq: 0 } }, 'data.entrySeq'],
    [
      'absurd credits',
      { ...ledger, data: { ...ledger.data, credits: 10_000_000 } },
      'data.credits',
    ],
    ['an empty song request', { ...songRequest, data: { text: '   ' } }, 'data.text'],
    ['a long song request', { ...songRequest, data: { text: 'x'.repeat(201) } }, 'data.text'],
    [
      'free disk above total',
      { ...status, data: { ...status.data, diskFreeBytes: 1000 } },
      'data.diskFreeBytes',
    ],
    [
      'a bad software version',
      { ...status, data: { ...status.data, software: '' } },
      'data.software',
    ],
  ])('refuses %s, naming the path', (_name, value, path) => {
    const r = telemetryRecord.safeParse(value);
    expect(r.success).toBe(false);
    expect(pathOf(r)).toBe(path);
  });

  it('bounds batches and keeps their order', () => {
    const many = Array.from({ length: MAX_TELEMETRY_BATCH + 1 }, (_, i) => ({
      ...songRequest,
      seq: i + 1,
    }));
    expect(pathOf(telemetryBatch.safeParse({ records: many }))).toBe('records');
    expect(telemetryBatch.safeParse({ records: many.slice(0, MAX_TELEMETRY_BATCH) }).success).toBe(
      true,
    );
    expect(pathOf(telemetryBatch.safeParse({ records: [] }))).toBe('records');
    const backwards = [
      { ...play, seq: 5 },
      { ...ledger, seq: 5 },
    ];
    expect(pathOf(telemetryBatch.safeParse({ records: backwards }))).toBe('records.1.seq');
    expect(pathOf(telemetryBatch.safeParse({ records: [{ ...play, at: T0, seq: 'x' }] }))).toBe(
      'records.0.seq',
    );
    expect(pathOf(telemetryBatch.safeParse({ records: records(), more: true }))).toBe('');
  });
});
