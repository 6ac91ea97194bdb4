import { comparePositions, Position } from '@app/event-store/core';
import { ViewDefinition } from './view-definition';
import { ViewWriter } from './view-writer';

/** Waits until the live (active) generation of a view has projected `position`; throws after `timeoutMs`. */
export async function waitForLive(writer: ViewWriter, view: ViewDefinition, position: Position | null, timeoutMs: number, what: string): Promise<void> {
  if (!position) return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const live = await writer.checkpoint(view);
    if (live && comparePositions(live, position) >= 0) return;
    if (Date.now() > deadline) throw new Error(`The live ${view.name} view did not reach ${what} within ${timeoutMs} ms: is a projector running?`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
