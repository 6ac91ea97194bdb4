import { once } from 'node:events';
import { AddressInfo, createServer, connect, Server, Socket } from 'node:net';
import { MongoNetworkError, MongoNetworkTimeoutError } from 'mongodb';

// The driver's own connection class and namespace helper: what patches/mongodb+7.9.0.patch mends.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Connection } = require('mongodb/lib/cmap/connection') as { Connection: new (socket: Socket, options: object) => DriverConnection };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ns } = require('mongodb/lib/utils') as { ns: (namespace: string) => unknown };

interface DriverConnection {
  command(namespace: unknown, command: object, options: object): Promise<unknown>;
  readonly closed: boolean;
}

/**
 * MongoDB driver 7.9: a command whose write waits for the socket's 'drain' waited for good once the
 * socket was destroyed, since a destroyed socket emits neither 'drain' nor, when the driver destroys
 * it itself, an 'error': no failure, no socket timeout. A server monitor's heartbeat caught like that
 * stopped the monitor, and the client never found its server again (the fault suite's MongoDB kill,
 * under load); a command caught like that holds its pooled connection for ever.
 */
describe('MongoDB driver patch: a command whose socket is destroyed under its write', () => {
  let server: Server;
  let socket: Socket;

  /** A peer on loopback that accepts and then does `peer` with each connection; the client's socket to it. */
  async function connectTo(peer: (socket: Socket) => void): Promise<Socket> {
    server = createServer(peer).listen(0, '127.0.0.1');
    await once(server, 'listening');
    socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(socket, 'connect');
    return socket;
  }

  afterEach(() => {
    socket?.destroy();
    server?.close();
  });

  /** The command's outcome, or that it was still waiting after 5 s. */
  async function outcomeOf(command: Promise<unknown>): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const stillWaiting = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still waiting after 5 s'), 5000)));
    try {
      return await Promise.race([command.then(() => 'answered', (error: Error) => error), stillWaiting]);
    } finally {
      clearTimeout(timer);
    }
  }

  it('fails with a network error when the socket is destroyed before the connection sees it close (a reset handled first)', async () => {
    const connection = new Connection(await connectTo(() => undefined), { id: 1, socketTimeoutMS: 1000 });
    const command = connection.command(ns('admin.$cmd'), { hello: 1 }, { socketTimeoutMS: 1000 });
    socket.destroy();
    expect(await outcomeOf(command)).toBeInstanceOf(MongoNetworkError);
    expect(connection.closed).toBe(true);
  });

  it('fails with the socket timeout when the peer stops reading in the middle of a large write', async () => {
    // The peer never reads: 20 MB fill both socket buffers, the write waits for 'drain', the socket times out.
    const connection = new Connection(await connectTo((peer) => peer.pause()), { id: 1, socketTimeoutMS: 300 });
    const command = connection.command(ns('admin.$cmd'), { insert: 'c', documents: [{ blob: 'x'.repeat(20 * 1024 * 1024) }] }, { socketTimeoutMS: 300 });
    expect(await outcomeOf(command)).toBeInstanceOf(MongoNetworkTimeoutError);
    expect(connection.closed).toBe(true);
  });
});
