/**
 * Writes a server stream's responses one at a time, waiting for `drain` when the transport pushes
 * back, and stops quietly once the call is over (cancelled by the client, ended or failed by us).
 */
import type { ServerErrorResponse, ServerWritableStream } from '@grpc/grpc-js';
import type { streams } from './proto';

export type ReadCall = ServerWritableStream<streams.ReadReq, streams.ReadResp>;

export class ResponseWriter {
  private over = false;
  private readonly wakeOnOver = new Set<() => void>();

  constructor(private readonly call: ReadCall) {
    call.on('cancelled', () => this.markOver());
    call.on('close', () => this.markOver());
  }

  /** False once the call is over: nothing more may be written. */
  get open(): boolean {
    return !this.over;
  }

  /** Resolves true when written (and drained if needed), false if the call ended first. */
  async write(response: streams.ReadResp): Promise<boolean> {
    if (this.over) return false;
    if (this.call.write(response)) return true;
    return new Promise<boolean>((resolve) => {
      const done = (written: boolean) => {
        this.call.off('drain', onDrain);
        this.wakeOnOver.delete(onOver);
        resolve(written);
      };
      const onDrain = () => done(true);
      const onOver = () => done(false);
      this.call.on('drain', onDrain);
      this.wakeOnOver.add(onOver);
    });
  }

  /** Ends the call with OK after what was written. */
  end(): void {
    if (this.markOver()) this.call.end();
  }

  /** Ends the call with `error` as its status, after what was already written. */
  fail(error: ServerErrorResponse): void {
    if (this.markOver()) this.call.emit('error', error);
  }

  /** Registers `listener` for the end of the call; returns the unregister function. */
  onOver(listener: () => void): () => void {
    if (this.over) {
      listener();
      return () => undefined;
    }
    this.wakeOnOver.add(listener);
    return () => this.wakeOnOver.delete(listener);
  }

  private markOver(): boolean {
    if (this.over) return false;
    this.over = true;
    for (const wake of [...this.wakeOnOver]) wake();
    this.wakeOnOver.clear();
    return true;
  }
}
