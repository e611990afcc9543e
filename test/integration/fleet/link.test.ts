import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { generateBoxIdentity, rawPublicKeyB64u, signEnrollmentRequest } from '@jukebox/crypto';
import { describe, expect, it } from 'vitest';
import { connect, tone, until } from '../support.js';
import { enrolledBox, useFleetSuite, type BoxProcess } from './harness.js';

// A real fleet server process and a real box core process over loopback: the box enrolls with
// a one-time code, opens its control channel, and its plays and song requests reach the
// server's reports exactly once; a revoked box is cut off.

const fleet = useFleetSuite('fleet-link');
let box: BoxProcess;

describe('box <-> fleet server', () => {
  it('enrolls with a one-time code and keeps the link open', { timeout: 120_000 }, async () => {
    const music = path.join(fleet.tmp.dir, 'music');
    mkdirSync(music);
    tone(path.join(music, 'a.mp3'), 1, { title: 'Alpha', artist: 'Local Band' });
    tone(path.join(music, 'b.mp3'), 1, { title: 'Beta', artist: 'Local Band' });
    const enrolled = await enrolledBox(fleet, {
      name: 'box1',
      server: fleet.server.url,
      importDirs: [music],
      codeName: 'Rusty Anchor',
      tracks: 2,
    });
    box = enrolled.box;
    const code = enrolled.code;
    expect(enrolled.boxId).toMatch(/^box-/);
    const link = await fleet.staff.call<{ connected: boolean }>(
      'GET',
      `/api/v1/boxes/${enrolled.boxId}/link`,
    );
    expect(link.connected).toBe(true);
    // The code was used up: another box (its own keys, a valid proof) cannot enroll with it.
    const other = generateBoxIdentity();
    const again = await fetch(`${fleet.server.url}/api/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        signEnrollmentRequest(
          {
            code,
            signingPublicKey: rawPublicKeyB64u(other.signing.publicKey),
            agreementPublicKey: rawPublicKeyB64u(other.agreement.publicKey),
            info: { softwareVersion: '0.1.0' },
          },
          other.signing.privateKey,
        ),
      ),
    });
    expect(again.status).toBe(403);
  });

  it(
    'plays and song requests reach the server once, and the box forgets them when acked',
    { timeout: 120_000 },
    async () => {
      const ui = await connect(box.url);
      const tracks = (await box.status()).library.tracks;
      expect(tracks).toBe(2);
      const search = (await ui.call('search', { query: 'Local' })) as {
        value: { tracks: { id: number; title: string }[] };
      };
      const [a, b] = search.value.tracks;
      for (const t of [a, b, a])
        expect(await ui.call('enqueue', { trackId: t!.id })).toMatchObject({ ok: true });
      expect(await ui.call('requestSong', { text: 'Purple Rain' })).toMatchObject({ ok: true });
      expect(await ui.call('requestSong', { text: 'purple rain' })).toMatchObject({
        ok: true,
        value: { repeated: true },
      });
      ui.close();
      const boxStatus = await until(async () => {
        const s = await box.status();
        return (
          s.playCounts.reduce((n, c) => n + c.count, 0) === 3 && s.telemetry.pending === 0 && s
        );
      }, 'three plays acknowledged');
      expect(boxStatus.telemetry.ackedSeq).toBe(boxStatus.telemetry.lastSeq);
      const boxId = boxStatus.fleet?.boxId;
      const report = await fleet.staff.call<{
        rows: { boxId: string; title: string; plays: number; completedPlays: number }[];
      }>('GET', `/api/v1/reports/plays?boxId=${boxId}`);
      const byTitle = Object.fromEntries(report.rows.map((r) => [r.title, r.completedPlays]));
      const boxCounts = Object.fromEntries(boxStatus.playCounts.map((c) => [c.title, c.count]));
      expect(byTitle).toEqual(boxCounts);
      expect(byTitle).toEqual({ Alpha: 2, Beta: 1 });
      const requests = await fleet.staff.call<{ rows: { requests: number; sampleText: string }[] }>(
        'GET',
        '/api/v1/reports/song-requests',
      );
      expect(requests.rows.map((r) => [r.sampleText, r.requests])).toEqual([['Purple Rain', 1]]);
    },
  );

  it('a revoked box is cut off and cannot come back', { timeout: 60_000 }, async () => {
    const boxId = (await box.status()).fleet?.boxId;
    await fleet.staff.call('POST', `/api/v1/boxes/${boxId}/revoke`, {});
    const s = await until(async () => {
      const st = await box.status();
      return st.fleet?.link === 'refused' && st;
    }, 'the box to be refused');
    expect(s.fleet?.detail).toMatch(/revoked/);
  });
});
