/**
 * gRPC failures shaped like EventStoreDB's: a status code, a message, and the `exception` trailer
 * (plus its companions) that `@eventstore/db-client` reads to pick a typed error.
 */
import { Metadata, status as Status, type ServerErrorResponse } from '@grpc/grpc-js';

export function rpcError(code: Status, details: string, trailers: Record<string, string> = {}): ServerErrorResponse {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
}

export function invalidArgument(details: string): ServerErrorResponse {
  return rpcError(Status.INVALID_ARGUMENT, details);
}

export function invalidPosition(): ServerErrorResponse {
  return rpcError(Status.INVALID_ARGUMENT, 'Trying to read from an invalid position.');
}

export function requiredMetadataPropertyMissing(property: string): ServerErrorResponse {
  return rpcError(Status.INVALID_ARGUMENT, `Required Metadata Property '${property}' is missing`, {
    exception: 'missing-required-metadata-property',
    'required-metadata-properties': 'type,content-type',
  });
}

export function maximumAppendSizeExceeded(maxAppendSize: number): ServerErrorResponse {
  return rpcError(Status.INVALID_ARGUMENT, `Maximum Append Size of ${maxAppendSize} Exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(maxAppendSize),
  });
}

/** What a dropped connection or a node going away looks like to a client. */
export function serverUnavailable(details = 'Server is shutting down.'): ServerErrorResponse {
  return rpcError(Status.UNAVAILABLE, details);
}

export function isServerErrorResponse(error: unknown): error is ServerErrorResponse {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'number';
}
