import { ArgumentMetadata, ValidationError as ClassValidatorError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationError } from '@app/domain';

/**
 * Checks query strings against their DTO classes: unknown parameters are refused and every failure
 * becomes one `{field, message}` entry named by its path.
 *
 * Bodies pass through untouched: the domain's command constructors check them whole (shape, unknown
 * properties, values) and report every problem of one body in one answer; their DTO classes only
 * describe them for the OpenAPI document.
 */
class QueryValidationPipe extends ValidationPipe {
  protected override toValidate(metadata: ArgumentMetadata): boolean {
    return metadata.type !== 'body' && super.toValidate(metadata);
  }
}

export function validationPipe(): ValidationPipe {
  return new QueryValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: false,
    transform: true,
    validateCustomDecorators: false,
    exceptionFactory: (errors) => new ValidationError(flatten(errors)),
  });
}

function flatten(errors: ClassValidatorError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = `${prefix}${error.property}`;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      message: rule === 'whitelistValidation' ? 'is not a known property' : message.replace(new RegExp(`^${error.property} `), ''),
    }));
    return [...own.slice(0, 1), ...flatten(error.children ?? [], `${field}.`)];
  });
}
