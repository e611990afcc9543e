/**
 * ccTalk: the pure protocol core (frames, framer, headers, errors, counter, checkpoint) and,
 * on top of it, the coin acceptor driver and its protocol-level simulator (serial I/O).
 */
export * from './frame.js';
export * from './framer.js';
export * from './headers.js';
export * from './errors.js';
export * from './counter.js';
export * from './checkpoint.js';
export * from './apply.js';
export { CcTalkLink, type CcTalkLinkOptions } from './link.js';
export { CcTalkCoinAcceptor, type CcTalkDriverOptions } from './driver.js';
export {
  CcTalkCoinSimulator,
  type AcceptedCoin,
  type CcTalkSimulatorOptions,
  type InsertOutcome,
  type SimCoin,
} from './simulator.js';
