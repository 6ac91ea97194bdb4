import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RULES, SELF_PURCHASE_RESOURCES, TextRule } from '@app/domain';

// The request bodies of the commands, as the OpenAPI document describes them. The domain's command
// constructors check every body whole (shape, unknown properties, values; see `commands` in
// @app/domain); these classes take their bounds from the same rules, so the two cannot drift.

/** Schema of a text field ruled by the domain: lengths and pattern as the constructors check them. */
function text(rule: TextRule, example: string, description?: string) {
  return { type: 'string', minLength: rule.min, maxLength: rule.max, ...(rule.pattern ? { pattern: rule.pattern.source } : {}), example, description } as const;
}

export class AddressDto {
  @ApiProperty(text(RULES.addressLine, '1 Microsoft Way')) addressLine1!: string;
  @ApiPropertyOptional(text(RULES.addressLine, 'Building 92')) addressLine2?: string;
  @ApiPropertyOptional(text(RULES.addressLine, 'Floor 3')) addressLine3?: string;
  @ApiProperty(text(RULES.place, 'Redmond')) city!: string;
  @ApiPropertyOptional(text(RULES.place, 'WA')) state?: string;
  @ApiProperty(text(RULES.postalCode, '98052')) postalCode!: string;
  @ApiProperty(text(RULES.country, 'US', 'ISO 3166-1 alpha-2 (an assigned code, either case).')) country!: string;
}

/** The billing profile apart from the company name. */
export class BillingDetailsDto {
  @ApiProperty(text(RULES.personName, 'Ada')) firstName!: string;
  @ApiProperty(text(RULES.personName, 'Lovelace')) lastName!: string;
  @ApiProperty(text(RULES.email, 'ada@contoso.com')) email!: string;
  @ApiPropertyOptional(text(RULES.phoneNumber, '+1 425 555 0100')) phoneNumber?: string;
  @ApiProperty(text(RULES.culture, 'en-US')) culture!: string;
  @ApiProperty(text(RULES.language, 'en')) language!: string;
  @ApiProperty({ type: AddressDto }) defaultAddress!: AddressDto;
}

export class BillingProfileDto extends BillingDetailsDto {
  @ApiProperty(text(RULES.companyName, 'Contoso (EMEA)', 'The friendly name; changing it renames the customer.')) companyName!: string;
}

export class EstablishCustomerDto {
  @ApiProperty(text(RULES.tenantId, '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f', "The customer's Microsoft Entra tenant id; it becomes the customer id.")) tenantId!: string;
  @ApiProperty(text(RULES.companyName, 'Contoso Ltd', "The customer tenant's own name, kept as the original name.")) companyName!: string;
  @ApiProperty(text(RULES.domain, 'contoso.onmicrosoft.com')) domain!: string;
  @ApiPropertyOptional({ type: BillingDetailsDto, description: 'A first billing profile, under the same company name.' }) billingProfile?: BillingDetailsDto;
}

export class RenameCustomerDto {
  @ApiProperty(text(RULES.companyName, 'Contoso (EMEA)', 'The new friendly name.')) companyName!: string;
}

export class SelfPurchaseDto {
  @ApiPropertyOptional({
    type: 'string',
    enum: SELF_PURCHASE_RESOURCES,
    isArray: true,
    minItems: 1,
    uniqueItems: false,
    example: ['AzureReservedInstances'],
    nullable: true,
    description: 'Which resources; absent or null means all of them.',
  })
  resources?: string[];
}

export class ErasePersonalDataDto {
  @ApiProperty(text(RULES.reason, 'GDPR erasure request ticket 4711', 'Why, for auditors: a ticket or request reference. Stored in the log for good and never erased, so never the personal data itself.'))
  reason!: string;
}

/** Commands that take no fields: send `{}` or no body at all. */
export class EmptyDto {}
