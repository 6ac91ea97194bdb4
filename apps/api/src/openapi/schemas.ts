import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EVENT_TYPES, ROLES, SELF_PURCHASE_RESOURCES } from '@app/domain';

// The shapes of the API's answers, for the OpenAPI document only: the handlers return plain
// objects of the same shape (the e2e suites and the schema fuzzer hold the two together).

const UUID = { type: 'string', format: 'uuid', example: '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f' } as const;
export const POSITION_DOC = { type: 'string', pattern: '^\\d{1,20}-\\d{1,20}$', example: '1024-1024', description: 'An opaque place in the log (commit-prepare).' } as const;
export const INSTANT_DOC = { type: 'string', format: 'date-time', example: '2026-12-01T07:00:00.000Z' } as const;

export class WriteResultDto {
  @ApiProperty({ ...UUID, description: 'The customer id (its tenant id).' }) id!: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1, description: 'The stream revision after the write; also sent as the ETag.' }) revision!: number;
  @ApiProperty({ ...POSITION_DOC, description: 'Where the write landed; pass it as minPosition to read your own write.' }) position!: string;
}

export class SelfPurchaseStateDto {
  @ApiProperty({ type: 'string', enum: SELF_PURCHASE_RESOURCES, isArray: true, description: 'What the customer may buy on its own.' })
  resources!: string[];
}

export class CostManagementStateDto {
  @ApiProperty({ type: 'boolean' }) enabled!: boolean;
}

export class CustomerListItemDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) revision!: number;
  @ApiProperty({ type: 'string', description: 'The friendly name (billing-info company name).', example: 'Contoso (EMEA)' }) companyName!: string;
  @ApiProperty({ type: 'string', example: 'contoso.onmicrosoft.com' }) domain!: string;
  @ApiProperty({ type: SelfPurchaseStateDto }) selfPurchase!: SelfPurchaseStateDto;
  @ApiProperty({ type: CostManagementStateDto }) costManagement!: CostManagementStateDto;
  @ApiProperty(INSTANT_DOC) updatedAt!: string;
}

export class CustomerListPageDto {
  @ApiProperty({ type: CustomerListItemDto, isArray: true }) items!: CustomerListItemDto[];
  @ApiPropertyOptional({ type: 'string', description: 'Pass as `continuation` for the next page; absent on the last page.' })
  continuationToken?: string;
}

export class CompanyProfileDto {
  @ApiProperty({ ...UUID, description: 'The customer tenant id.' }) tenantId!: string;
  @ApiProperty({ type: 'string', example: 'contoso.onmicrosoft.com' }) domain!: string;
  @ApiProperty({ type: 'string', description: 'The original tenant name, which a rename never changes.', example: 'Contoso Ltd' }) companyName!: string;
}

export class AddressViewDto {
  @ApiProperty({ type: 'string', nullable: true, description: 'Personal data: null once erased.' }) addressLine1!: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'Personal data: null once erased.' }) addressLine2?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'Personal data: null once erased.' }) addressLine3?: string | null;
  @ApiProperty({ type: 'string' }) city!: string;
  @ApiPropertyOptional({ type: 'string' }) state?: string;
  @ApiProperty({ type: 'string' }) postalCode!: string;
  @ApiProperty({ type: 'string', description: 'ISO 3166-1 alpha-2, upper case.' }) country!: string;
}

export class BillingProfileViewDto {
  @ApiProperty({ type: 'string', description: 'The friendly name.', example: 'Contoso (EMEA)' }) companyName!: string;
  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'Personal data: null once erased.' }) firstName?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'Personal data: null once erased.' }) lastName?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'Personal data: null once erased.' }) email?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'Personal data: null once erased.' }) phoneNumber?: string | null;
  @ApiPropertyOptional({
    type: 'boolean',
    enum: [true],
    description:
      "The erased marker: present (true) when the contact's personal data was erased (POST /v1/customers/{id}/personal-data/erase); its personal fields are then null. " +
      'History, as-of, the audit feed and export show the same marker inside the event data’s `contact`.',
  })
  personalDataErased?: true;
  @ApiPropertyOptional({ type: 'string' }) culture?: string;
  @ApiPropertyOptional({ type: 'string' }) language?: string;
  @ApiPropertyOptional({ type: AddressViewDto }) defaultAddress?: AddressViewDto;
}

export class AccountDetailDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) revision!: number;
  @ApiProperty({ type: 'string', description: 'The original tenant name, as the breadcrumb shows it.' }) breadcrumbName!: string;
  @ApiProperty({ type: CompanyProfileDto }) companyProfile!: CompanyProfileDto;
  @ApiProperty({ type: BillingProfileViewDto }) billingProfile!: BillingProfileViewDto;
  @ApiProperty({ type: SelfPurchaseStateDto }) selfPurchase!: SelfPurchaseStateDto;
  @ApiProperty({ type: CostManagementStateDto }) costManagement!: CostManagementStateDto;
  @ApiProperty(INSTANT_DOC) updatedAt!: string;
  @ApiProperty({ type: 'string', description: 'The `sub` of whoever made the last change.' }) updatedBy!: string;
}

export class ActorDto {
  @ApiProperty({ type: 'string', description: 'The token subject.' }) sub!: string;
  @ApiProperty({ type: 'string' }) partnerId!: string;
  @ApiProperty({ type: 'string', enum: ROLES, isArray: true }) roles!: string[];
}

export class HistoryItemDto {
  @ApiProperty({ type: 'integer', minimum: 0 }) revision!: number;
  @ApiProperty(POSITION_DOC) position!: string;
  @ApiProperty({ type: 'string', enum: EVENT_TYPES }) type!: string;
  @ApiProperty({ ...INSTANT_DOC, description: 'When the command was accepted.' }) occurredAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: "The event's data, in its current schema version." })
  data!: Record<string, unknown>;
  @ApiProperty({ type: ActorDto }) actor!: ActorDto;
  @ApiProperty({ ...UUID, description: 'The command that made the change.' }) commandId!: string;
  @ApiProperty({ type: 'string', description: 'The request’s correlation id: the caller’s X-Correlation-Id, or the one made for the request (as echoed).' }) correlationId!: string;
}

export class HistoryPageDto {
  @ApiProperty({ type: HistoryItemDto, isArray: true }) items!: HistoryItemDto[];
}

export class AuditRecordDto extends HistoryItemDto {
  @ApiProperty(UUID) customerId!: string;
}

export class AuditFeedPageDto {
  @ApiProperty({ type: AuditRecordDto, isArray: true }) items!: AuditRecordDto[];
  @ApiProperty({ ...POSITION_DOC, description: 'Pass as `after` for the next page.' }) nextAfter!: string;
}

export class ProjectionStatusDto {
  @ApiProperty({ type: 'string', enum: ['customer-list', 'account-detail'] }) name!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The generation serving reads (a rebuild adds one).' }) generation!: number;
  @ApiProperty({ ...POSITION_DOC, nullable: true }) checkpoint!: string | null;
  @ApiProperty({ ...POSITION_DOC, nullable: true, description: 'The last position in the log.' }) head!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Events not yet projected, counted up to 10,000.' }) lagEvents!: number;
  @ApiProperty({ type: 'boolean', description: 'True when the count stopped at its limit.' }) lagEventsAtLeast!: boolean;
  @ApiProperty({ type: 'number', minimum: 0, description: 'How long the oldest unprojected event has waited.' }) lagSeconds!: number;
  @ApiProperty({
    type: 'boolean',
    description: 'True when the view has projected past the end of the log (an event store restored from an older backup): rebuild the view.',
  })
  checkpointAheadOfStore!: boolean;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    description: 'Events the active generation set aside because the projection could not apply them (`npm run cli -- parked list`).',
  })
  parkedEvents!: number;
}

export class ProjectionsDto {
  @ApiProperty({ type: ProjectionStatusDto, isArray: true }) items!: ProjectionStatusDto[];
}

export class FieldErrorDto {
  @ApiProperty({ type: 'string', description: 'The field by its path, e.g. defaultAddress.city.', example: 'companyName' }) field!: string;
  @ApiProperty({ type: 'string', example: 'is required' }) message!: string;
}

/** RFC 9457 problem details, with a stable machine-readable `code`. */
export class ProblemDto {
  @ApiProperty({ type: 'string', example: '/problems/validation-failed' }) type!: string;
  @ApiProperty({ type: 'string', example: 'Validation failed' }) title!: string;
  @ApiProperty({ type: 'integer', example: 400 }) status!: number;
  @ApiProperty({ type: 'string', example: 'companyName: is required' }) detail!: string;
  @ApiProperty({ type: 'string', example: 'VALIDATION_FAILED' }) code!: string;
  @ApiPropertyOptional({ type: FieldErrorDto, isArray: true, description: 'Every bad field of the request, with VALIDATION_FAILED.' })
  errors?: FieldErrorDto[];
}
