import { Logger } from '@nestjs/common';
import { Metrics } from '../metrics/metrics';
import { StoreName } from './store-errors';

type Trouble = 'full' | 'unavailable';

/**
 * What this process has lately seen of each store: an outage or a full disk is logged once when
 * it starts and once when it ends (not once per request), counted in metrics, and turns readiness
 * red while it lasts.
 */
export class StoreHealth {
  private readonly logger = new Logger('Stores');
  private readonly troubles = new Map<StoreName, Trouble>();

  constructor(private readonly metrics: Metrics) {}

  /** A call failed because the store is out (or its disk is full). */
  failed(store: StoreName, trouble: Trouble, detail: string): void {
    this.metrics.storeFailures.inc({ store, failure: trouble });
    if (this.troubles.get(store) === trouble) return;
    this.troubles.set(store, trouble);
    if (trouble === 'full') this.logger.error(`${store}: no space left on its disk; writes answer 507 STORAGE_FULL until space is freed (${detail})`);
    else this.logger.warn(`${store}: unavailable; requests that need it answer 503 STORE_UNAVAILABLE (${detail})`);
  }

  /**
   * A call succeeded. A read proves a store reachable again, but only a write proves a full disk
   * has room again.
   */
  succeeded(store: StoreName, wrote: boolean): void {
    const trouble = this.troubles.get(store);
    if (!trouble || (trouble === 'full' && !wrote)) return;
    this.troubles.delete(store);
    this.logger.log(`${store}: ${trouble === 'full' ? 'writes succeed again' : 'answering again'}`);
  }

  /** Whether the last calls to `store` found it out of reach (until one succeeds again). */
  isOut(store: StoreName): boolean {
    return this.troubles.get(store) === 'unavailable';
  }

  /** Stores whose disk is full right now: readiness is red until a write succeeds there. */
  full(): StoreName[] {
    return [...this.troubles].filter(([, t]) => t === 'full').map(([store]) => store);
  }
}
