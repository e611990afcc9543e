/** eSSP (SSP) protocol core for ITL note validators: pure codecs and policies, no I/O. */
export * from './crc.js';
export * from './frame.js';
export * from './commands.js';
export * from './setup.js';
export * from './poll.js';
export * from './sequence.js';
export * from './escrow.js';
export * from './driver.js';
export * from './simulator.js';
export { runSimCommand, type SimCommandResult } from './sim-cli.js';
