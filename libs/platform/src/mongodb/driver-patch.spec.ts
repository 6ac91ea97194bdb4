import { once } from 'node:events';
import { AddressInfo, createServer, connect } from 'node:net';
import { MongoNetworkError } from 'mongodb';

// The driver's own connection class and namespace helper: what patches/mongodb+7.9.0.patch mends.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Connection } = require('mongodb/lib/cmap/connection') as { Connection: new (socket: unknown, options: object) => DriverConnection };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ns } = require('mongodb/lib/utils') as { ns: (namespace: string) => unknown };

interface DriverConnection {
  command(namespace: unknown, command: object, options: object): Promise<unknown>;
  readonly closed: boolean;
}

/**
 * MongoDB driver 7.9: a command begun on a connection whose socket is destroyed before its 'close'
 * event arrives wrote into the destroyed socket and waited for a 'drain' that never comes: no
 * error, no socket timeout, for good. A server monitor's heartbeat caught like that stops the
 * monitor, and the client never finds its server again (the fault suite's MongoDB kill, under load).
 */
describe('MongoDB driver patch: a command on a socket destroyed under it', () => {
  it('fails at once with a network error and closes the connection, instead of hanging', async () => {
    // A peer that never answers: what matters is the client's socket.
    const server = createServer(() => undefined).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(socket, 'connect');
    try {
      const connection = new Connection(socket, { id: 1, socketTimeoutMS: 1000 });
      const command = connection.command(ns('admin.$cmd'), { hello: 1 }, { socketTimeoutMS: 1000 });
      // The socket is destroyed in the same tick, as a peer's reset handled first would.
      socket.destroy();
      let timer: NodeJS.Timeout | undefined;
      const stillWaiting = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still waiting after 5 s'), 5000)));
      const outcome = await Promise.race([command.then(() => 'answered', (error: Error) => error), stillWaiting]);
      clearTimeout(timer);
      expect(outcome).toBeInstanceOf(MongoNetworkError);
      expect(connection.closed).toBe(true);
    } finally {
      socket.destroy();
      server.close();
    }
  });
});
