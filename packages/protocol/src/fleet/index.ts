/**
 * The box <-> fleet server wire protocol: enrollment, signed manifests, the control channel
 * (WebSocket) and telemetry. The contract's cryptography lives in @jukebox/crypto; these
 * schemas only check shapes and bounds.
 */
export * from './common.js';
export * from './enrollment.js';
export * from './manifest.js';
export * from './telemetry.js';
export * from './control.js';
