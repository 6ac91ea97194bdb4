/** A pino destination that keeps every line in memory, for tests that read what a service logged. */
export class LogCapture {
  readonly lines: string[] = [];

  write(line: string): void {
    this.lines.push(line);
  }

  /** Every line as parsed JSON. */
  records(): Record<string, any>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, any>);
  }

  /** All that was written, as one text to search. */
  text(): string {
    return this.lines.join('');
  }
}
