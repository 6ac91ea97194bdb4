import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CommandMetadata, CustomerCommand, ValidationError } from '@app/domain';
import { nameBasedUuid } from '@app/event-store';
import { AuthenticatedRequest, canonicalJson, problems } from '@app/platform';
import type { Response } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import { ExecuteCustomerCommand, WriteResponse } from './execute-customer-command';

const HEADER_VALUE = /^[\x21-\x7e]{1,128}$/;

export interface SendOptions {
  readonly ifMatchRequired?: boolean;
  readonly created?: boolean;
}

/**
 * Turns an HTTP write into a command on the bus and its result into status and headers, so each
 * route stays one line: command metadata, If-Match, idempotency key, ETag and Location.
 */
@Injectable()
export class CommandSender {
  constructor(private readonly bus: CommandBus) {}

  async send(
    request: AuthenticatedRequest,
    response: Response,
    build: (metadata: CommandMetadata) => CustomerCommand,
    options: SendOptions = {},
  ): Promise<WriteResponse> {
    const key = header(request, 'idempotency-key') ?? header(request, 'ms-requestid');
    const correlationId = header(request, 'x-correlation-id') ?? header(request, 'ms-correlationid');
    const invalid = [
      key !== undefined && !HEADER_VALUE.test(key) && { field: 'Idempotency-Key', message: 'must be 1–128 visible ASCII characters' },
      correlationId !== undefined && !HEADER_VALUE.test(correlationId) && { field: 'X-Correlation-Id', message: 'must be 1–128 visible ASCII characters' },
    ].filter((e) => e !== false);
    if (invalid.length > 0) throw new ValidationError(invalid);

    const { actor } = request;
    // A keyed write gets a command id derived from the key and the request, so a repeat is
    // recognised by the store even if the idempotency record was lost, and a different request
    // under the same key can never pass for it.
    const hash = key ? requestHash(request) : undefined;
    const commandId = key ? nameBasedUuid(`idempotency:${actor.partnerId}:${key}:${hash}`) : randomUUID();
    const command = build({ commandId, correlationId: correlationId ?? commandId, causationId: commandId, occurredAt: new Date().toISOString(), actor });
    const ifMatch = parseIfMatch(header(request, 'if-match'));
    if (ifMatch === undefined && options.ifMatchRequired) throw problems.preconditionRequired();

    const idempotency = key && hash ? { partnerId: actor.partnerId, key, requestHash: hash } : undefined;
    const result = await this.bus.execute<ExecuteCustomerCommand, WriteResponse>(
      new ExecuteCustomerCommand(command, ifMatch, idempotency),
    );
    response.status(options.created ? 201 : 200).setHeader('ETag', `"${result.revision}"`);
    if (options.created) response.setHeader('Location', `/v1/customers/${result.id}`);
    return result;
  }
}

function header(request: AuthenticatedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `"<revision>"` (the ETag we send) or `*` (any current revision, so no condition). */
function parseIfMatch(value: string | undefined): bigint | undefined {
  if (value === undefined || value.trim() === '*') return undefined;
  const match = /^\s*"(\d{1,18})"\s*$/.exec(value);
  if (!match) throw new ValidationError([{ field: 'If-Match', message: 'must be an ETag such as "3"' }]);
  return BigInt(match[1]);
}

/** The route and body a key was first used with; ids are case-insensitive, keys in JSON unordered. */
function requestHash(request: AuthenticatedRequest): string {
  const body = canonicalJson(request.body ?? {});
  return createHash('sha256').update(`${request.method} ${request.path.toLowerCase()}\n${body}`).digest('base64url');
}
