import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getKioskApi } from './api/index.js';
import { App } from './app/App.js';
import { StoresProvider } from './app/stores-context.js';
import { createStores } from './stores/index.js';
import './styles/index.css';

// The draft disc of a retail terminal survives a reload in this tab's sessionStorage.
const stores = createStores(getKioskApi(), Date.now, { storage: window.sessionStorage });
stores.start();

// Capture phase: a touch counts even if a control stops its propagation.
const touched = () => stores.idle.getState().touch();
window.addEventListener('pointerdown', touched, { capture: true, passive: true });
window.addEventListener('keydown', touched, { capture: true, passive: true });
// A kiosk has no context menu; a long press would otherwise open one.
window.addEventListener('contextmenu', (e) => e.preventDefault());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <StoresProvider stores={stores}>
      <App />
    </StoresProvider>
  </StrictMode>,
);
