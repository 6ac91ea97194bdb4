import { FieldError } from './errors';

// C0 and C1 control characters: never valid in a name, address or identifier.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

interface TextRule {
  readonly min: number;
  readonly max: number;
  readonly pattern?: RegExp;
  readonly patternMessage?: string;
}

/**
 * Collects every field error of one input instead of stopping at the first, so a caller fixes a
 * request in one round trip.
 */
export class FieldReader {
  readonly errors: FieldError[] = [];

  constructor(private readonly prefix = '') {}

  fail(field: string, message: string): void {
    this.errors.push({ field: this.prefix + field, message });
  }

  /** A required trimmed string; returns '' after recording an error. */
  text(input: Record<string, unknown>, field: string, rule: TextRule): string {
    const value = this.optionalText(input, field, rule);
    if (value === undefined) {
      if (!this.errors.some((e) => e.field === this.prefix + field)) this.fail(field, 'is required');
      return '';
    }
    return value;
  }

  /** An optional trimmed string: absent, null or blank all mean "not given". */
  optionalText(input: Record<string, unknown>, field: string, rule: TextRule): string | undefined {
    const raw = input[field];
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== 'string') {
      this.fail(field, 'must be a string');
      return undefined;
    }
    const value = raw.trim();
    if (value === '') return undefined;
    if (CONTROL.test(value)) this.fail(field, 'must not contain control characters');
    else if (value.length < rule.min || value.length > rule.max)
      this.fail(field, `must be ${rule.min}–${rule.max} characters long`);
    else if (rule.pattern && !rule.pattern.test(value)) this.fail(field, rule.patternMessage ?? 'is not valid');
    else return value;
    return undefined;
  }

  object(input: Record<string, unknown>, field: string): Record<string, unknown> | undefined {
    const raw = input[field];
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      this.fail(field, 'must be an object');
      return undefined;
    }
    return raw as Record<string, unknown>;
  }

  nested(field: string): FieldReader {
    return new FieldReader(`${this.prefix}${field}.`);
  }

  absorb(other: FieldReader): void {
    this.errors.push(...other.errors);
  }
}
