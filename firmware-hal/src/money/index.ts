/**
 * Money devices (issue 3): the one interface every coin and note acceptor implements, and the
 * pure protocol cores the drivers are built on. No serial port is opened here.
 */
export * from './types.js';
export * from './cctalk/index.js';
export * as essp from './essp/index.js';
export { createMoneyDevice, ccTalkOptions, esspOptions, type MoneyDeviceDeps } from './factory.js';
