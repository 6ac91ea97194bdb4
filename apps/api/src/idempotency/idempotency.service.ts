import { Inject, Injectable } from '@nestjs/common';
import { IdempotencyKeyReused, Metrics, observeStore } from '@app/platform';
import { IDEMPOTENCY_STORE, IdempotencyStore } from './idempotency-store';

export interface IdempotentRequest {
  readonly partnerId: string;
  readonly key: string;
  /** Hash of the route and body: the same key with anything else is a client error. */
  readonly requestHash: string;
}

/**
 * Runs a write at most once per idempotency key: a repeat gets the first answer, the same key with
 * another request gets 422, and a failed write leaves no record.
 */
@Injectable()
export class IdempotencyService {
  private readonly store: IdempotencyStore;

  constructor(@Inject(IDEMPOTENCY_STORE) store: IdempotencyStore, metrics: Metrics) {
    // Each call timed and traced (never the key's answer, which may hold personal data).
    const observe = <T>(operation: string, partnerId: string, run: () => Promise<T>) =>
      observeStore(metrics, 'idempotency', operation, { 'partner.id': partnerId }, run);
    this.store = {
      reserve: (partnerId, key, hash) => observe('reserve', partnerId, () => store.reserve(partnerId, key, hash)),
      find: (partnerId, key) => observe('find', partnerId, () => store.find(partnerId, key)),
      complete: (partnerId, key, hash, response) => observe('complete', partnerId, () => store.complete(partnerId, key, hash, response)),
      release: (partnerId, key) => observe('release', partnerId, () => store.release(partnerId, key)),
      close: () => store.close(),
    };
  }

  async once<R>(request: IdempotentRequest | undefined, write: () => Promise<R>): Promise<R> {
    if (!request) return write();
    const { partnerId, key, requestHash } = request;
    if (!(await this.store.reserve(partnerId, key, requestHash))) {
      const found = await this.store.find(partnerId, key);
      if (found && found.requestHash !== requestHash) throw new IdempotencyKeyReused();
      if (found?.response !== undefined) return found.response as R;
      // The same request is in flight elsewhere or was cut off by a crash: running it again is
      // safe, because its deterministic command id makes the store recognise the first run.
    }
    let response: R;
    try {
      response = await write();
    } catch (error) {
      // Also when another attempt made the claim (one cut off by a crash, say): a key without an
      // answer records nothing, and this write failed, so the key is free again.
      await this.store.release(partnerId, key);
      throw error;
    }
    await this.store.complete(partnerId, key, requestHash, response);
    return response;
  }
}
