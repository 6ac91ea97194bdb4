/**
 * A few events in `$`-prefixed streams, with `$`-prefixed types, written before anything else —
 * a fresh EventStoreDB node's $all is never empty of system events either. Code that reads or
 * subscribes to $all must filter them out (a stream-prefix filter, or `excludeSystemEvents()`).
 */
import { randomUUID } from 'node:crypto';
import type { EventLog } from './event-log';

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

export function writeSystemEvents(log: EventLog): void {
  const seed: Array<[stream: string, type: string, data: unknown]> = [
    ['$users', '$UserCreated', 'admin'],
    ['$user-admin', '$user', { loginName: 'admin', fullName: 'Administrator', groups: ['$admins'], disabled: false }],
    ['$$$scavenges', '$metadata', { $maxAge: 2_592_000 }],
  ];
  for (const [stream, type, data] of seed) {
    log.append(stream, { kind: 'any' }, [
      { id: randomUUID(), type, contentType: 'application/json', data: json(data), customMetadata: new Uint8Array() },
    ]);
  }
}
