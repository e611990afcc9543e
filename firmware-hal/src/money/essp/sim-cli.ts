#!/usr/bin/env node
/**
 * `jukebox-essp-sim --port PATH`: the eSSP note validator simulator on one end of a serial
 * line (the device end of a socat pty pair), driven by commands on stdin, one per line.
 * Used by `npm run demo` and by hand; `help` lists the commands.
 */
import { parseArgs } from 'node:util';
import { EsspSimulator, type EsspSimChannel } from './simulator.js';
import { runIfMain, serveStdinCommands } from '../sim-cli-support.js';

const HELP = [
  'insert N          feed a note into channel N',
  'jam [safe|unsafe] jam the note path (default unsafe); unjam clears it',
  'fraud [N]         report a fraud attempt (channel N, default 0)',
  'stacker-full      report stacker full until stacker-empty',
  'power-cycle       reset the unit (SLAVE RESET on the next poll)',
  'drop N | garble N lose or corrupt the next N replies',
  'delay MS          delay every reply by MS milliseconds (0 = off)',
  'noise N           write N random bytes to the host',
  'status            state, channel mask and notes credited',
  'quit',
].join('\n');

/** Result of one command line: text to print, and whether to exit. */
export interface SimCommandResult {
  readonly output: string;
  readonly quit?: true;
}

const count = (word: string | undefined, fallback: number): number | null => {
  if (word === undefined) return fallback;
  const n = Number(word);
  return Number.isInteger(n) && n >= 0 ? n : null;
};

/** Applies one stdin command to the simulator. Never throws on bad input. */
export function runSimCommand(sim: EsspSimulator, line: string): SimCommandResult {
  const [verb, arg] = line.trim().split(/\s+/);
  const n = count(arg, 0);
  switch (verb) {
    case undefined:
    case '':
      return { output: '' };
    case 'insert': {
      if (n === null || n < 1) return { output: 'usage: insert N (channel, from 1)' };
      return {
        output: sim.model.insertNote(n)
          ? `note in channel ${n} fed`
          : 'not taken (disabled, jammed, stacker full or a note already in the path)',
      };
    }
    case 'jam':
      if (arg !== undefined && arg !== 'safe' && arg !== 'unsafe')
        return { output: 'usage: jam [safe|unsafe]' };
      sim.model.setJam(arg === 'safe' ? 'safe' : 'unsafe');
      return { output: `${arg ?? 'unsafe'} jam` };
    case 'unjam':
      sim.model.setJam(null);
      return { output: 'jam cleared' };
    case 'fraud':
      if (n === null) return { output: 'usage: fraud [channel]' };
      sim.model.fraud(n);
      return { output: 'fraud attempt reported' };
    case 'stacker-full':
    case 'stacker-empty':
      sim.model.setStackerFull(verb === 'stacker-full');
      return { output: verb === 'stacker-full' ? 'stacker full' : 'stacker emptied' };
    case 'power-cycle':
      sim.model.powerCycle();
      return { output: 'power cycled' };
    case 'drop':
    case 'garble':
    case 'delay': {
      if (n === null) return { output: `usage: ${verb} N` };
      if (verb === 'drop') sim.faults.drop = n;
      else if (verb === 'garble') sim.faults.garble = n;
      else sim.faults.delayMs = n;
      return { output: `${verb} ${n}` };
    }
    case 'noise': {
      if (n === null) return { output: 'usage: noise N' };
      sim.sendNoise(Uint8Array.from({ length: n }, () => Math.floor(Math.random() * 256)));
      return { output: `${n} random bytes sent` };
    }
    case 'status':
      return { output: JSON.stringify(statusOf(sim)) };
    case 'help':
      return { output: HELP };
    case 'quit':
    case 'exit':
      return { output: 'bye', quit: true };
    default:
      return { output: `unknown command "${verb}"; try help` };
  }
}

function statusOf(sim: EsspSimulator) {
  const credited = sim.credited;
  return {
    enabled: sim.model.isEnabled,
    channelMask: sim.model.channelMask,
    note: sim.model.notePhase,
    credited: credited.length,
    creditedValue: credited.reduce((sum, note) => sum + note.value, 0),
    stats: sim.model.stats,
  };
}

/** Parses `--channels 5,10,20` into a channel table. */
function parseChannels(text: string | undefined): EsspSimChannel[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((v) => ({ value: Number(v) }));
}

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      channels: { type: 'string' },
      currency: { type: 'string' },
      serial: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true || values.port === undefined) {
    process.stdout.write(
      'usage: jukebox-essp-sim --port PATH [--channels 5,10,20,50] [--currency EUR] [--serial N]\n' +
        `commands on stdin:\n${HELP}\n`,
    );
    return values.help === true ? 0 : 2;
  }
  const channels = parseChannels(values.channels);
  if (channels?.some((c) => !Number.isInteger(c.value) || c.value <= 0)) {
    process.stderr.write('--channels takes positive integers, e.g. 5,10,20\n');
    return 2;
  }
  const sim = await EsspSimulator.open(values.port, {
    ...(channels !== undefined && { channels }),
    ...(values.currency !== undefined && { currency: values.currency }),
    ...(values.serial !== undefined && { serialNumber: Number(values.serial) }),
  });
  process.stdout.write(`eSSP simulator on ${values.port}; type help\n`);
  return serveStdinCommands(sim, runSimCommand);
}

runIfMain(import.meta.url, 'jukebox-essp-sim', main);
