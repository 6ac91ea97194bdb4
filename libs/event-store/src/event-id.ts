import { createHash } from 'node:crypto';

// Fixed namespace: ids must stay the same across processes and releases.
const NAMESPACE = 'c0b8f0a2-5d1e-4f8e-9a57-0e8c5d3b7a41';

/** A name-based (version 5 layout) UUID: the same name always gives the same id. */
export function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The id of a command's n-th event: a retried command carries the same ids, so the store can recognise it. */
export function eventIdFor(commandId: string, index: number): string {
  return nameBasedUuid(`${commandId}/${index}`);
}
