import type { Logger } from 'pino';
import type { InventoryCredentials } from '../credentials.js';
import type { InventoryClient } from '../inventory-client.js';
import type { UnpublishedItem } from '../types.js';

/**
 * One CMS's inventory: with the owner's read credentials, every unpublished item and every file
 * those items use, each with the routes by which the CMS could serve it anonymously. Adapters
 * never send anything anonymously; the verifier does that.
 */
export interface InventoryAdapter {
  cms: string;
  /** Read API path prefixes the credentials may go to (nothing else gets them). */
  apiPaths: readonly string[];
  /**
   * Credential names the adapter turns into headers itself (a Ghost Admin API key signs a JWT):
   * the inventory client never sends them as they are.
   */
  consumesCredentials?: readonly string[];
  collect(context: AdapterContext): Promise<Inventory>;
}

export interface AdapterContext {
  client: InventoryClient;
  /** The target's origin, e.g. "https://www.example.com". */
  origin: string;
  /** Unpublished items and files collected at most; the rest is counted as not audited. */
  maxItems: number;
  logger: Logger;
  progress: (line: string) => void;
  /**
   * The owner's credentials, for an adapter that must turn one into request headers itself (a
   * Ghost Admin API key signs a short-lived JWT per request). Pass what it derives to
   * client.getJson only; never log or report it.
   */
  credentials?: InventoryCredentials;
}

export interface Inventory {
  items: UnpublishedItem[];
  /** What the reader must know: types skipped, a cap reached, an endpoint that refused. */
  notes: string[];
  /** Set when the inventory is known to be incomplete (a cap, a refusal on part of it). */
  incomplete?: string;
}
