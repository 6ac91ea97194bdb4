/**
 * The message classes of `@eventstore/db-client`'s own generated code, and the protobuf well-known
 * types exactly as that package resolves them.
 *
 * The generated serializers check `instanceof` against these very classes, so the double must
 * build its responses from the same module instances the client loads — never from a copy.
 */
import { createRequire } from 'node:module';
import type * as AnyPb from 'google-protobuf/google/protobuf/any_pb';
import type * as EmptyPb from 'google-protobuf/google/protobuf/empty_pb';

export * as streams from '@eventstore/db-client/generated/streams_pb';
export * as shared from '@eventstore/db-client/generated/shared_pb';
export * as rpcStatus from '@eventstore/db-client/generated/status_pb';
export * as serverFeatures from '@eventstore/db-client/generated/serverfeatures_pb';
export { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
export { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';

// google-protobuf is the client's dependency, not ours: resolve it from where the client's code lives.
const requireFromClient = createRequire(require.resolve('@eventstore/db-client/generated/status_pb'));

export const { Any } = requireFromClient('google-protobuf/google/protobuf/any_pb') as typeof AnyPb;
export const { Empty: WellKnownEmpty } = requireFromClient('google-protobuf/google/protobuf/empty_pb') as typeof EmptyPb;
