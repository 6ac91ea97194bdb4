import { Type } from 'class-transformer';
import { IsArray, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';

// These classes check the shape of a body: which properties exist and their JSON types. Lengths,
// formats and normalization are the domain's rules (see `commands` in @app/domain), so they live once.

export class AddressDto {
  @IsString() addressLine1!: string;
  @IsOptional() @IsString() addressLine2?: string;
  @IsOptional() @IsString() addressLine3?: string;
  @IsString() city!: string;
  @IsOptional() @IsString() state?: string;
  @IsString() postalCode!: string;
  /** ISO 3166-1 alpha-2. */
  @IsString() country!: string;
}

/** The billing profile apart from the company name. */
export class BillingDetailsDto {
  @IsString() firstName!: string;
  @IsString() lastName!: string;
  @IsString() email!: string;
  @IsOptional() @IsString() phoneNumber?: string;
  /** For example en-US. */
  @IsString() culture!: string;
  /** For example en. */
  @IsString() language!: string;
  @IsObject() @ValidateNested() @Type(() => AddressDto) defaultAddress!: AddressDto;
}

export class BillingProfileDto extends BillingDetailsDto {
  /** The friendly name; changing it renames the customer. */
  @IsString() companyName!: string;
}

export class EstablishCustomerDto {
  /** The customer's Microsoft Entra tenant id. */
  @IsString() tenantId!: string;
  /** The customer tenant's own name; kept as the original name. */
  @IsString() companyName!: string;
  @IsString() domain!: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => BillingDetailsDto) billingProfile?: BillingDetailsDto;
}

export class RenameCustomerDto {
  @IsString() companyName!: string;
}

export class SelfPurchaseDto {
  /** AzureReservedInstances and/or AzureSavingsPlan; absent means both. */
  @IsOptional() @IsArray() @IsString({ each: true }) resources?: string[];
}

export class EmptyDto {}
