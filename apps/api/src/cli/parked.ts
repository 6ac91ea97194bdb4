import { formatPosition, parsePosition, positionFromKey, positionKey } from '@app/event-store';
import { ParkedEvent, Projection, retryParked, RetryStores, ViewDocument } from '@app/read-side';

export const PARKED_USAGE = `  npm run cli -- parked list [--projection customer-list|account-detail|all]
      The events each projection set aside because it could not apply them (its active generation).
  npm run cli -- parked retry [--projection …] [--position <commit-prepare>]
      Folds each affected customer's document again from its whole stream; where that now succeeds,
      writes it and forgets the parking. Exits 1 if any still fails (it stays parked).
  npm run cli -- parked skip --position <commit-prepare> [--projection …]
      Forgets a parked event: the view is accepted without it.`;

export class UsageError extends Error {}

/** `parked list|retry|skip`, on the selected projections' active generations; the exit code. */
export async function parkedCommand(
  action: string | undefined,
  options: { position?: string },
  projections: readonly Projection<ViewDocument>[],
  stores: RetryStores,
): Promise<number> {
  const position = options.position === undefined ? undefined : parsePosition(options.position);
  if (position === null) throw new UsageError(`--position must be a position as the API and \`parked list\` show it (commit-prepare), not ${options.position}`);
  const at = position && positionKey(position);
  if (action === 'list') {
    let count = 0;
    for (const projection of projections) {
      for (const p of await stores.parked.parked(projection)) {
        console.log(describe(p));
        count++;
      }
    }
    console.error(`parked: ${count} event${count === 1 ? '' : 's'}`);
    return 0;
  }
  if (action === 'skip') {
    if (!at) throw new UsageError('parked skip needs --position');
    let skipped = 0;
    for (const projection of projections) {
      const generation = await stores.writer.activeGeneration(projection);
      if (await stores.parked.unpark(projection, generation, at)) {
        console.log(`${projection.name}: skipped ${options.position}; the view stays without that event`);
        skipped++;
      }
    }
    if (skipped === 0) console.error(`parked skip: no event is parked at ${options.position}`);
    return skipped > 0 ? 0 : 1;
  }
  if (action === 'retry') return retry(projections, stores, at);
  throw new UsageError(`unknown parked action ${action ?? '(none)'}: list, retry or skip`);
}

async function retry(projections: readonly Projection<ViewDocument>[], stores: RetryStores, at: string | undefined): Promise<number> {
  let tried = 0;
  let failed = 0;
  for (const projection of projections) {
    // One retry settles every parking of its customer's stream: those are not tried again.
    const settled = new Set<string>();
    for (const p of await stores.parked.parked(projection)) {
      if ((at && p.position !== at) || settled.has(p.position)) continue;
      tried++;
      const outcome = await retryParked(projection, p, stores);
      if (outcome.retried) {
        outcome.unparked.forEach((u) => settled.add(u));
        console.log(`${projection.name}: retried ${shown(p.position)} (${p.stream}): the document is folded again; ${outcome.unparked.length} parked event(s) settled`);
      } else {
        failed++;
        console.log(`${projection.name}: ${shown(p.position)} (${p.stream}) STILL FAILS at ${shown(outcome.position)}: ${outcome.error}; it stays parked`);
      }
    }
  }
  if (tried === 0) {
    console.error(at ? `parked retry: no event is parked at ${shown(at)}` : 'parked retry: nothing is parked');
    return at ? 1 : 0;
  }
  return failed > 0 ? 1 : 0;
}

function describe(p: ParkedEvent): string {
  return [p.projection, shown(p.position), `${p.stream}@${p.revision}`, p.type, p.parkedAt, p.error].join('  ');
}

const shown = (key: string) => formatPosition(positionFromKey(key));
