import { FieldError } from './errors';
import { TextRule } from './field-rules';

// C0 and C1 control characters: never valid in a name, address or identifier.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Half of a UTF-16 pair without its other half: not a character at all.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// Invisible characters that reorder or join text (bidirectional controls, zero-width spaces and
// joiners, word joiners, the byte-order mark): two names that differ only by them look the same.
const INVISIBLE = /[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;


/**
 * Collects every field error of one input instead of stopping at the first, so a caller fixes a
 * request in one round trip.
 */
export class FieldReader {
  readonly errors: FieldError[] = [];

  constructor(
    private readonly prefix = '',
    // Every object read, with the path it sits at and the keys asked of it, shared by nested readers.
    private readonly asked = new Map<object, { prefix: string; keys: Set<string> }>(),
  ) {}

  /** Notes that `field` of `input` is a known property, read or not. */
  expect(input: Record<string, unknown>, field?: string): void {
    let entry = this.asked.get(input);
    if (!entry) this.asked.set(input, (entry = { prefix: this.prefix, keys: new Set() }));
    if (field !== undefined) entry.keys.add(field);
  }

  /** Reports every property of every object read that no rule asked for, unless it already has an error. */
  refuseUnknown(): void {
    for (const [input, { prefix, keys }] of this.asked) {
      for (const key of Object.keys(input)) {
        const field = prefix + key;
        if (!keys.has(key) && !this.errors.some((e) => e.field === field)) this.errors.push({ field, message: 'is not a known property' });
      }
    }
  }

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
    this.expect(input, field);
    const raw = input[field];
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== 'string') {
      this.fail(field, 'must be a string');
      return undefined;
    }
    if (LONE_SURROGATE.test(raw)) {
      this.fail(field, 'must be well-formed Unicode (no lone surrogates)');
      return undefined;
    }
    // One form for what looks the same: a composed and a decomposed "é" are one name.
    const value = raw.normalize('NFC').trim();
    if (value === '') return undefined;
    if (CONTROL.test(value)) this.fail(field, 'must not contain control characters');
    else if (INVISIBLE.test(value)) this.fail(field, 'must not contain invisible formatting characters (bidirectional or zero-width)');
    else if (value.length < rule.min || value.length > rule.max)
      this.fail(field, `must be ${rule.min}–${rule.max} characters long`);
    else if (rule.pattern && !rule.pattern.test(value)) this.fail(field, rule.patternMessage ?? 'is not valid');
    else return value;
    return undefined;
  }

  object(input: Record<string, unknown>, field: string): Record<string, unknown> | undefined {
    this.expect(input, field);
    const raw = input[field];
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      this.fail(field, 'must be an object');
      return undefined;
    }
    return raw as Record<string, unknown>;
  }

  nested(field: string): FieldReader {
    return new FieldReader(`${this.prefix}${field}.`, this.asked);
  }

  absorb(other: FieldReader): void {
    this.errors.push(...other.errors);
  }
}
