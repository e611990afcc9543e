import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * How the fake `lp` answers:
 * - `ok`: like CUPS, "request id is QUEUE-N (1 file(s))", N counting up from 1;
 * - `fail`: CUPS's answer for an unknown queue on stderr, exit 1;
 * - `{ failQueue }`: `ok`, except for that queue;
 * - `silent`: exit 0 and says nothing;
 * - `hang`: never answers (a stuck scheduler).
 */
export type FakeLpBehaviour = 'ok' | 'fail' | 'silent' | 'hang' | { failQueue: string };

/** One call of the fake `lp`, with what it found in the file it was given. */
export interface LpCall {
  argv: string[];
  /** The last argument's size and whether it was a whole PDF when lp read it. */
  file: { bytes: number; pdfHeader: boolean; pdfTrailer: boolean } | null;
}

export interface FakeLp {
  /** The executable, for `print.lp`. */
  path: string;
  calls(): LpCall[];
}

/**
 * Writes a fake `lp` (a Node script) into `dir`. It records every call's argv and checks the
 * file it was handed, then answers the way CUPS's lp does.
 */
export function installFakeLp(dir: string, behaviour: FakeLpBehaviour): FakeLp {
  const exe = path.join(dir, 'lp');
  const log = path.join(dir, 'lp-calls.jsonl');
  const counter = path.join(dir, 'lp-counter');
  const mode = typeof behaviour === 'string' ? behaviour : 'ok';
  const failQueue = typeof behaviour === 'string' ? null : behaviour.failQueue;
  const script = `#!${process.execPath}
const fs = require('node:fs');
const argv = process.argv.slice(2);
const last = argv[argv.length - 1];
let file = null;
try {
  const bytes = fs.readFileSync(last);
  file = {
    bytes: bytes.length,
    pdfHeader: bytes.subarray(0, 5).toString('latin1') === '%PDF-',
    pdfTrailer: bytes.subarray(-8).toString('latin1').includes('%%EOF'),
  };
} catch {}
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv, file }) + '\\n');
const queue = argv[argv.indexOf('-d') + 1];
const mode = ${JSON.stringify(mode)};
if (mode === 'hang') setInterval(() => {}, 1000);
else if (mode === 'fail' || queue === ${JSON.stringify(failQueue)}) {
  process.stderr.write('lp: The printer or class does not exist.\\n');
  process.exit(1);
} else if (mode === 'ok') {
  const n = (fs.existsSync(${JSON.stringify(counter)}) ? Number(fs.readFileSync(${JSON.stringify(counter)}, 'utf8')) : 0) + 1;
  fs.writeFileSync(${JSON.stringify(counter)}, String(n));
  process.stdout.write('request id is ' + queue + '-' + n + ' (1 file(s))\\n');
}
`;
  writeFileSync(exe, script);
  chmodSync(exe, 0o755);
  return {
    path: exe,
    calls: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as LpCall)
        : [],
  };
}
