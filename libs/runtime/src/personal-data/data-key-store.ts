import { WrappedDataKey } from './master-keys';

/**
 * Where the wrapped data keys live, one per relationship (stream). Deleting a stream's key is what
 * erases its personal data: every contact sealed under it can no longer be opened.
 */
export interface DataKeyStore {
  find(stream: string): Promise<WrappedDataKey | null>;
  /** Stores `key` unless the stream already has one; returns the stream's key either way (first writer wins). */
  findOrAdd(key: WrappedDataKey): Promise<WrappedDataKey>;
  /**
   * Deletes the stream's key so that no copy stays readable in the store's files, and records that
   * the stream's contacts up to `throughRevision` are erased (for contacts stored before sealing).
   * Idempotent.
   */
  erase(stream: string, throughRevision: bigint): Promise<void>;
  /** The highest revision an erase covered, or null when the stream was never erased. */
  erasedThrough(stream: string): Promise<bigint | null>;
  /** Every key, for rewrapping under a new master key. */
  all(): AsyncIterable<WrappedDataKey>;
  /** Replaces a key's wrapping, only if it is still the same key (an erase meanwhile wins). */
  rewrap(key: WrappedDataKey): Promise<void>;
  close(): Promise<void>;
}

export const DATA_KEY_STORE = Symbol('DataKeyStore');
