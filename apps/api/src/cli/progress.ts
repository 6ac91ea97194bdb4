import { formatPosition } from '@app/event-store';
import { Progress } from '@app/read-side';

/**
 * Shows rebuild progress: a redrawn bar on a terminal, a log line every few seconds otherwise
 * (CI logs, files), so neither floods nor stays silent.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr, intervalMs = 2000): (progress: Progress) => void {
  let lastLine = 0;
  return (p) => {
    const percent = Math.floor(p.fraction * 100);
    const facts = `${p.events.toLocaleString('en-US')} events, ${Math.round(p.eventsPerSecond).toLocaleString('en-US')} events/s, position ${p.position ? formatPosition(p.position) : '-'} of ${p.head ? formatPosition(p.head) : '-'}, ETA ${p.etaSeconds === null ? '?' : `${Math.ceil(p.etaSeconds)} s`}`;
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round(p.fraction * width);
      stream.write(`\r${p.view.padEnd(14)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${facts}\x1b[K`);
      if (p.fraction >= 1) stream.write('\n');
    } else if (Date.now() - lastLine >= intervalMs || p.fraction >= 1) {
      lastLine = Date.now();
      stream.write(`${new Date().toISOString()} ${p.view}: ${percent}% ${facts}\n`);
    }
  };
}
