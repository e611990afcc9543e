export * from './result.js';
export * from './library.js';
export * from './state.js';
export * from './kiosk-api.js';
export * from './config.js';
export * from './fleet/index.js';
export * from './fleet-staff.js';
export * from './operator-api.js';
