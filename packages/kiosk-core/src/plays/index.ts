export {
  PlayLog,
  interruptedReason,
  type PlayCount,
  type PlayEvent,
  type PlayStatus,
} from './play-log.js';
