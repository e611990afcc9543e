export { TelemetryOutbox, type TelemetryKind, type TelemetryRecord } from './outbox.js';
export { SongRequests, REPEAT_WINDOW_MS, type SongRequestOutcome } from './song-requests.js';
