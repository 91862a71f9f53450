export { FornoKeyvStore, type FornoKeyvStoreOptions, type KeyvStoreEntry } from './forno-keyv-store.js';
export { KeyvStoreError, type KeyvStoreOperation } from './keyv-store-error.js';
export type { StoreListener } from './store-events.js';
