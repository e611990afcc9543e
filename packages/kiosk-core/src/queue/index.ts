export { QueueStore } from './queue-store.js';
