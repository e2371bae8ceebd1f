import type { InventoryAdapter } from './adapter.js';
import { directusAdapter } from './directus.js';
import { ghostAdapter } from './ghost.js';
import { payloadAdapter } from './payload.js';
import { strapiAdapter } from './strapi.js';
import { wordpressAdapter } from './wordpress.js';

/** Every CMS an audit can take an inventory of, by the id its fingerprint detects. */
export const inventoryAdapters: ReadonlyMap<string, InventoryAdapter> = new Map([wordpressAdapter, directusAdapter, strapiAdapter, ghostAdapter, payloadAdapter].map((adapter) => [adapter.cms, adapter]));

export type { InventoryAdapter, AdapterContext, Inventory } from './adapter.js';
