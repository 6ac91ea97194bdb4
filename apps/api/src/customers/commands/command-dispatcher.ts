import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { canonicalJson, CommandMetadata, CustomerCommand } from '@app/domain';
import { nameBasedUuid } from '@app/event-store';
import { AuthenticatedRequest, CLOCK, Clock, correlationIdOf, ID_SOURCE, IdSource, PreconditionRequired } from '@app/platform';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { HandleCustomerCommand, WriteResponse } from './customer-command.handler';
import { readWriteHeaders } from './write-headers';

export interface DispatchOptions {
  readonly ifMatchRequired?: boolean;
  readonly created?: boolean;
}

/**
 * The HTTP edge of every write: request headers and the caller become command metadata, the command
 * goes on the bus, and its result becomes status, ETag and Location. Each route stays one line.
 */
@Injectable()
export class CommandDispatcher {
  constructor(
    private readonly bus: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_SOURCE) private readonly ids: IdSource,
  ) {}

  async dispatch(
    request: AuthenticatedRequest,
    response: Response,
    build: (metadata: CommandMetadata) => CustomerCommand,
    options: DispatchOptions = {},
  ): Promise<WriteResponse> {
    const { idempotencyKey: key, ifMatch } = readWriteHeaders(request);
    const { actor } = request;
    // A keyed write gets a command id derived from the key and the request, so a repeat is
    // recognised by the store even if the idempotency record was lost, and a different request
    // under the same key can never pass for it.
    const hash = key ? requestHash(request) : undefined;
    const commandId = key ? nameBasedUuid(`idempotency:${actor.partnerId}:${key}:${hash}`) : this.ids.next();
    const occurredAt = this.clock.now().toISOString();
    // The id the answer echoes (the caller's, or one made for this request), as the events store it.
    const correlatedBy = correlationIdOf(request) ?? commandId;
    const command = build({ commandId, correlationId: correlatedBy, causationId: commandId, occurredAt, actor });
    if (ifMatch === undefined && options.ifMatchRequired) throw new PreconditionRequired();
    const idempotency = key && hash ? { partnerId: actor.partnerId, key, requestHash: hash } : undefined;
    const result = await this.bus.execute<HandleCustomerCommand, WriteResponse>(new HandleCustomerCommand(command, ifMatch, idempotency));
    response.status(options.created ? 201 : 200).setHeader('ETag', `"${result.revision}"`);
    if (options.created) response.setHeader('Location', `/v1/customers/${result.id}`);
    return result;
  }
}

/** The route and body a key was first used with; ids are case-insensitive, keys in JSON unordered. */
function requestHash(request: AuthenticatedRequest): string {
  const body = canonicalJson(request.body ?? {});
  return createHash('sha256').update(`${request.method} ${request.path.toLowerCase()}\n${body}`).digest('base64url');
}
