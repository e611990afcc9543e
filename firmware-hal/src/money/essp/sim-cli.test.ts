import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openPtyPair } from '../test-support/pty.js';
import type { MoneyEvent } from '../types.js';
import { EsspNoteValidator } from './driver.js';

const cli = fileURLToPath(new URL('./sim-cli.ts', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');

async function until(check: () => boolean, what: string, limitMs = 10000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('jukebox-essp-sim', () => {
  it('takes stdin commands: a note inserted on the CLI is credited by the real driver', async () => {
    const pair = await openPtyPair();
    cleanups.push(() => pair.close());
    const child = spawn(
      process.execPath,
      ['--import', tsx, cli, '--port', pair.device, '--channels', '5,10,20'],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill();
      await exited;
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await until(() => out.includes('eSSP simulator on'), 'the CLI to start');

    const driver = new EsspNoteValidator({
      path: pair.host,
      pollIntervalMs: 40,
      escrowRules: { currency: 'EUR' },
    });
    const events: MoneyEvent[] = [];
    driver.onEvent((e) => events.push(e));
    const info = await driver.open({ device: null, checkpoint: null });
    cleanups.push(() => driver.close());
    expect(info.denominations.map((d) => d.valueCents)).toEqual([500, 1000, 2000]);
    await driver.setMasterInhibit(false);

    child.stdin.write('insert 2\n');
    await until(() => events.some((e) => e.type === 'credit'), 'a credit');
    child.stdin.write('stacker-full\n');
    await until(
      () => events.some((e) => e.type === 'fault' && e.reason === 'stacker-full'),
      'stacker full',
    );
    child.stdin.write('bogus\nstatus\n');
    await until(() => out.includes('"credited":1'), 'the status line');
    expect(out).toContain('unknown command "bogus"');
    expect(out).toContain('"creditedValue":10');
    child.stdin.write('quit\n');
    expect(await exited).toBe(0);
  });
});
