import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AddressDto, BillingDetailsDto, BillingProfileDto, EmptyDto, EstablishCustomerDto, RenameCustomerDto, SelfPurchaseDto } from '../customers/commands/command.dto';

// Request bodies refuse unknown properties (the domain reports each by its path), so their
// schemas say so; answers may gain properties in later versions, so theirs do not.
const CLOSED_BODIES = [AddressDto, BillingDetailsDto, BillingProfileDto, EmptyDto, EstablishCustomerDto, RenameCustomerDto, SelfPurchaseDto].map((c) => c.name);

const DESCRIPTION = `Event-sourced customer accounts of a cloud-solution partner (Partner Center style): commands, the
customer list and account detail views, history, as-of and the audit feed.

Every /v1 operation needs a bearer token (JWT) carrying \`sub\`, \`partner_id\`, \`partner_type\` and
\`roles\`. Errors are RFC 9457 \`application/problem+json\` with a stable \`code\`; a 400
VALIDATION_FAILED lists every bad field of the request in \`errors\`. Writes answer \`{id, revision,
position}\` with \`ETag: "<revision>"\`; pass the position as \`minPosition\` to read your own write.`;

/** The OpenAPI document of the running application, generated from its controllers and DTOs. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Customer accounts')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: (_controller, method) => method });
  for (const name of CLOSED_BODIES) {
    const schema = document.components?.schemas?.[name];
    if (schema && !('$ref' in schema)) schema.additionalProperties = false;
  }
  return document;
}
