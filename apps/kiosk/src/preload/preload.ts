// Sandboxed preload: bundled to dist/preload/preload.cjs by scripts/build-electron.mjs, since a
// sandboxed preload is CommonJS and may require nothing but a few electron modules.
import { contextBridge, ipcRenderer } from 'electron';
import { KIOSK_API_GLOBAL } from '../shared/channels.js';
import { createKioskApi } from './api.js';

contextBridge.exposeInMainWorld(KIOSK_API_GLOBAL, createKioskApi(ipcRenderer));
