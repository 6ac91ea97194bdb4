import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CustomerCommand } from '@app/domain';
import { IdempotencyService, IdempotentRequest } from '../../idempotency/idempotency.service';
import { formatPosition } from '@app/event-store';
import { CustomerCommandExecutor, WriteResult } from './customer-command.executor';

/** What the HTTP edge hands the command bus: a valid domain command and the request's conditions. */
export class ExecuteCustomerCommand {
  constructor(
    readonly command: CustomerCommand,
    readonly ifMatch: bigint | undefined,
    readonly idempotency: IdempotentRequest | undefined,
  ) {}
}

/** The answer a write gives, as stored for idempotent replays. */
export interface WriteResponse {
  readonly id: string;
  readonly revision: number;
  readonly position: string;
}

@CommandHandler(ExecuteCustomerCommand)
export class ExecuteCustomerCommandHandler implements ICommandHandler<ExecuteCustomerCommand, WriteResponse> {
  constructor(
    private readonly executor: CustomerCommandExecutor,
    private readonly idempotency: IdempotencyService,
  ) {}

  execute({ command, ifMatch, idempotency }: ExecuteCustomerCommand): Promise<WriteResponse> {
    return this.idempotency.once(idempotency, async () => toResponse(await this.executor.execute(command, ifMatch)));
  }
}

function toResponse({ id, revision, position }: WriteResult): WriteResponse {
  return { id, revision: Number(revision), position: formatPosition(position) };
}
