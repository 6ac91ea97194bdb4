import { parsePosition } from '@app/event-store';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min, ValidateBy } from 'class-validator';

/**
 * An integer query parameter written in plain decimal digits: ` 5`, `0x10`, `1e3` or `abc` stay
 * strings and fail as "must be an integer" instead of being read as some other number.
 */
export function IntegerParam(min: number, max = Number.MAX_SAFE_INTEGER): PropertyDecorator {
  return (target, key) => {
    Transform(({ value }) => (typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value))(target, key);
    IsInt({ message: `${String(key)} must be an integer` })(target, key);
    Min(min)(target, key);
    Max(max)(target, key);
  };
}

/** A position as a write returned it (`<commit>-<prepare>`, each a 64-bit integer). */
export function IsPosition(message: string): PropertyDecorator {
  return ValidateBy({ name: 'isPosition', validator: { validate: (value) => typeof value === 'string' && parsePosition(value) !== null, defaultMessage: () => message } });
}

// RFC 3339 date-time (section 5.6): full date, T, full time with seconds, and a zone.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * An instant in RFC 3339 form only (`2026-12-01T07:00:00Z`): ISO 8601's week, ordinal and basic
 * forms are refused rather than misread, and so is a date that does not exist (`2026-02-30`).
 */
export function IsInstant(): PropertyDecorator {
  return (target, key) =>
    ValidateBy({
      name: 'isInstant',
      validator: { validate: isInstant, defaultMessage: () => `${String(key)} must be an RFC 3339 date-time such as 2026-12-01T07:00:00Z` },
    })(target, key);
}

function isInstant(value: unknown): boolean {
  const match = typeof value === 'string' ? RFC3339.exec(value) : null;
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60 && !Number.isNaN(Date.parse(value as string));
}
