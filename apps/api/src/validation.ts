import { ValidationError as ClassValidatorError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationError } from '@app/domain';

/**
 * Checks bodies and query strings against their DTO classes: unknown properties are refused and
 * every failure becomes one `{field, message}` entry named by its path (`defaultAddress.city`).
 */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
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
