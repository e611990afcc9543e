export * from './result.js';
export * from './library.js';
export * from './state.js';
export * from './kiosk-api.js';
export * from './config.js';
