import type { KioskApi } from '@jukebox/protocol';
import { createContext, useContext, type ReactNode } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { Stores } from '../stores/index.js';

const StoresContext = createContext<Stores | null>(null);

/** Makes the UI's stores available to every screen below it. */
export function StoresProvider({ stores, children }: { stores: Stores; children: ReactNode }) {
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>;
}

/** The stores of the running UI; only valid under `StoresProvider`. */
export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores outside StoresProvider');
  return stores;
}

/** The kiosk API the stores were built around. */
export function useKioskApi(): KioskApi {
  return useStores().api;
}

type StoreKey = Exclude<keyof Stores, 'api' | 'start'>;
type StateOf<K extends StoreKey> = Stores[K] extends StoreApi<infer S> ? S : never;

/** Select from one store by name, re-rendering only when the selection changes. */
export function useSlice<K extends StoreKey, T>(key: K, selector: (state: StateOf<K>) => T): T {
  // TS cannot follow the store type through a generic key; StateOf<K> is that store's state.
  const store: StoreApi<StateOf<K>> = useStores()[key] as unknown as StoreApi<StateOf<K>>;
  return useStore<StoreApi<StateOf<K>>, T>(store, selector);
}
