/**
 * `ServerFeatures.GetSupportedMethods`, the first call a client makes. The client appends through
 * `Streams.BatchAppend` only when the server lists it (as 21.10+ nodes do); otherwise it falls
 * back to `Streams.Append`. Only the methods the double implements are listed.
 */
import type { ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import { serverFeatures, type shared } from './proto';

export interface ServerFeaturesOptions {
  readonly serverVersion: string;
  readonly batchAppend: boolean;
}

export function supportedMethodsHandler(options: ServerFeaturesOptions) {
  const methods: Array<[service: string, method: string]> = [
    ['event_store.client.server_features.ServerFeatures', 'GetSupportedMethods'],
    ['event_store.client.streams.Streams', 'Read'],
    ['event_store.client.streams.Streams', 'Append'],
  ];
  if (options.batchAppend) methods.push(['event_store.client.streams.Streams', 'BatchAppend']);

  return (_call: ServerUnaryCall<shared.Empty, serverFeatures.SupportedMethods>, callback: sendUnaryData<serverFeatures.SupportedMethods>) => {
    const response = new serverFeatures.SupportedMethods().setEventStoreServerVersion(options.serverVersion);
    for (const [service, method] of methods) {
      response.addMethods(new serverFeatures.SupportedMethod().setServiceName(service).setMethodName(method));
    }
    callback(null, response);
  };
}
