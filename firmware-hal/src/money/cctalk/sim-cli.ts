#!/usr/bin/env node
/**
 * `jukebox-cctalk-sim --port PATH [--crc]`: the ccTalk coin acceptor simulator on one end of
 * a serial line (the device end of a socat pty pair), driven by commands on stdin, one per
 * line. Used by `npm run demo` and by hand; bad input prints the usage.
 */
import { parseArgs } from 'node:util';
import { CcTalkCoinSimulator, type SimCoin } from './simulator.js';
import { runIfMain, serveStdinCommands } from '../sim-cli-support.js';

/** The demo's coin table: euro coins at positions 1-6. */
export const DEMO_COINS: readonly SimCoin[] = [
  { position: 1, code: 'EU010A', valueCents: 10 },
  { position: 2, code: 'EU020A', valueCents: 20 },
  { position: 3, code: 'EU050A', valueCents: 50 },
  { position: 4, code: 'EU100A', valueCents: 100 },
  { position: 5, code: 'EU200A', valueCents: 200 },
];

export const USAGE = [
  'usage: jukebox-cctalk-sim --port PATH [--crc] [--serial N] [--counter N]',
  'commands on stdin:',
  '  insert N        a coin goes in at position N (1-16)',
  '  reject N        the mech reports ccTalk error code N (1-255)',
  '  power-cycle     counter back to 0, buffer cleared, all inhibited',
  '  drop N          lose the next N replies',
  '  garble N        corrupt the next N replies',
  '  slow N MS       send the next N replies MS milliseconds late',
  '  busy N          answer the next N requests BUSY',
  '  echo on|off     echo the host bytes (single-wire bus)',
  '  silent on|off   stop or resume answering',
  '  status          counter, inhibits and coins accepted',
  '  quit',
].join('\n');

/** Result of one command line: text to print, and whether to exit. */
export interface SimCommandResult {
  readonly output: string;
  readonly quit?: true;
}

const int = (word: string | undefined, min: number, max: number): number | null => {
  const n = Number(word);
  return word !== undefined && Number.isInteger(n) && n >= min && n <= max ? n : null;
};

const onOff = (word: string | undefined): boolean | null =>
  word === 'on' ? true : word === 'off' ? false : null;

/** Applies one stdin command to the simulator. Never throws; bad input answers the usage. */
export function runSimCommand(sim: CcTalkCoinSimulator, line: string): SimCommandResult {
  const [verb, arg, arg2, ...extra] = line.trim().split(/\s+/);
  const usage = { output: USAGE };
  if (extra.length > 0) return usage;
  switch (verb) {
    case undefined:
    case '':
      return { output: '' };
    case 'insert': {
      const position = int(arg, 1, 16);
      return position === null ? usage : { output: `coin ${position}: ${sim.insert(position)}` };
    }
    case 'reject': {
      const code = int(arg, 1, 255);
      if (code === null) return usage;
      sim.reject(code);
      return { output: `error ${code} reported` };
    }
    case 'power-cycle':
      sim.powerCycle();
      return { output: 'power cycled' };
    case 'drop':
    case 'garble':
    case 'busy': {
      const n = int(arg, 0, 1000);
      if (n === null) return usage;
      if (verb === 'drop') sim.dropReplies(n);
      else if (verb === 'garble') sim.garbleReplies(n);
      else sim.busyReplies(n);
      return { output: `${verb} ${n}` };
    }
    case 'slow': {
      const n = int(arg, 0, 1000);
      const ms = int(arg2, 0, 60_000);
      if (n === null || ms === null) return usage;
      sim.slowReplies(n, ms);
      return { output: `slow ${n} by ${ms} ms` };
    }
    case 'echo':
    case 'silent': {
      const on = onOff(arg);
      if (on === null) return usage;
      if (verb === 'echo') sim.setEcho(on);
      else sim.setSilent(on);
      return { output: `${verb} ${arg}` };
    }
    case 'status':
      return {
        output: JSON.stringify({
          ...sim.state,
          accepted: sim.accepted.length,
          acceptedCents: sim.acceptedCents,
        }),
      };
    case 'quit':
    case 'exit':
      return { output: 'bye', quit: true };
    default:
      return usage;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        crc: { type: 'boolean' },
        serial: { type: 'string' },
        counter: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const serial = values.serial === undefined ? 123456 : int(values.serial, 0, 0xffffff);
  const counter = values.counter === undefined ? 0 : int(values.counter, 0, 255);
  if (values.help === true || values.port === undefined || serial === null || counter === null) {
    (values.help === true ? process.stdout : process.stderr).write(`${USAGE}\n`);
    return values.help === true ? 0 : 2;
  }
  const sim = await CcTalkCoinSimulator.start({
    path: values.port,
    checksum: values.crc === true ? 'crc16' : 'simple',
    coins: DEMO_COINS,
    serial,
    startCounter: counter,
  });
  process.stdout.write(`ccTalk coin acceptor simulator on ${values.port}\n`);
  return serveStdinCommands(sim, runSimCommand);
}

runIfMain(import.meta.url, 'jukebox-cctalk-sim', main);
