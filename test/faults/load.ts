import { randomUUID } from 'node:crypto';
import { newCustomer } from '../support/customers';
import { HttpOutcome, send, ServiceProcess, sleep } from '../support/service-process';

/** One answered (or unanswered) request of the load. */
export interface Sample {
  readonly at: number;
  readonly ms: number;
  readonly route: string;
  readonly outcome: HttpOutcome;
}

/** A write the service acknowledged (2xx): it must be in the history afterwards. */
export interface Ack {
  readonly id: string;
  readonly revision: number;
}

/**
 * A light, bounded load on one partner: a few workers that each establish, rename and read
 * customers in turn (list, detail of a listed customer, history), pausing between requests.
 */
export class Load {
  readonly samples: Sample[] = [];
  readonly acks: Ack[] = [];
  /** Customers established and acknowledged. */
  readonly known: string[] = [];
  private readonly listed: string[] = [];
  private running = false;
  private workers: Promise<void>[] = [];

  constructor(
    private readonly service: ServiceProcess,
    private readonly auth: string,
  ) {}

  start(workers = 4): void {
    this.running = true;
    this.workers = Array.from({ length: workers }, (_, i) => this.work(i));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  /** The samples taken between two instants. */
  between(from: number, to: number): Sample[] {
    return this.samples.filter((s) => s.at >= from && s.at <= to);
  }

  private async work(worker: number): Promise<void> {
    for (let turn = 0; this.running; turn++) {
      const step = (turn + worker) % 5;
      if (step === 0 || this.known.length === 0) await this.establish(turn % 2 === 0);
      else if (step === 1) await this.rename(pick(this.known), turn % 2 === 0);
      else if (step === 2) await this.list();
      else if (step === 3 && this.listed.length) await this.read('detail', `/v1/customers/${pick(this.listed)}`);
      else await this.read('history', `/v1/customers/${pick(this.known)}/history?limit=1000`);
      await sleep(25);
    }
  }

  private async establish(keyed: boolean): Promise<void> {
    const body = newCustomer({ companyName: `Fault ${randomUUID().slice(0, 8)}` });
    const outcome = await this.request('establish', 'POST', '/v1/customers', body, keyed);
    if (acknowledged(outcome)) {
      this.known.push(body.tenantId);
      this.acks.push({ id: body.tenantId, revision: outcome.body.revision });
    }
  }

  /** One rename, its answer, and (when acknowledged) its ack kept like the load's own. */
  async rename(id: string, keyed: boolean): Promise<HttpOutcome> {
    const outcome = await this.request('rename', 'POST', `/v1/customers/${id}/rename`, { companyName: `Renamed ${randomUUID().slice(0, 8)}` }, keyed);
    if (acknowledged(outcome)) this.acks.push({ id, revision: outcome.body.revision });
    return outcome;
  }

  private async list(): Promise<void> {
    const outcome = await this.request('list', 'GET', '/v1/customers?size=20');
    // Details are read only for listed customers: those are in the view, so a 404 would be a bug.
    if (acknowledged(outcome)) for (const item of outcome.body.items as { id: string }[]) if (!this.listed.includes(item.id)) this.listed.push(item.id);
  }

  private async read(route: string, path: string): Promise<void> {
    await this.request(route, 'GET', path);
  }

  private async request(route: string, method: string, path: string, body?: unknown, keyed = false): Promise<HttpOutcome> {
    const at = Date.now();
    const headers: Record<string, string> = { Authorization: this.auth, ...(keyed ? { 'Idempotency-Key': randomUUID() } : {}) };
    const outcome = await send(this.service, method, path, { headers, body, timeoutMs: 10_000 }).outcome;
    this.samples.push({ at, ms: Date.now() - at, route, outcome });
    return outcome;
  }
}

function acknowledged(outcome: HttpOutcome): boolean {
  return outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}
