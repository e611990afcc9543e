export {
  startCore,
  type CoreHandle,
  type MoneyDeviceFactory,
  type StartCoreOptions,
} from './core.js';
export { loadConfig, parseConfig, ConfigError } from './config.js';
export { createLogger, type Logger } from './log.js';
export { Jukebox } from './service/jukebox.js';
export { dispatch, type KioskHandlers } from './service/dispatch.js';
export { createHandlers } from './service/handlers.js';
export { VERSION } from './version.js';
export { openDatabase, type Db } from './db/index.js';
export { Library, LoudnessJob, type ImportReport } from './library/index.js';
export { QueueStore } from './queue/index.js';
export { PlayLog } from './plays/index.js';
export { Player, type PlayItem } from './player/index.js';
export * from './money/index.js';
