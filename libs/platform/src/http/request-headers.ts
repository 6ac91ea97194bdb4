import type { IncomingMessage } from 'node:http';

/** What this API accepts in a free-form header it echoes or stores: 1–128 visible ASCII characters. */
export const VISIBLE_ASCII = /^[\x21-\x7e]{1,128}$/;

/** A request header's first value, by its lower-case name. */
export function headerOf(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A free-form header read under its name or Partner Center's alias: the value, or what is wrong with it. */
export type AliasedHeader = { readonly value?: string; readonly problem?: undefined } | { readonly value?: undefined; readonly problem: { field: string; message: string } };

/**
 * Reads a header sent under `name` or its `alias` (`Idempotency-Key`/`MS-RequestId`,
 * `X-Correlation-Id`/`MS-CorrelationId`). Every copy sent must be 1–128 visible ASCII characters,
 * an empty one included, and both copies must agree: a proxy that adds one must not silently
 * override what the caller meant by the other.
 */
export function aliasedHeader(request: IncomingMessage, name: string, alias: string): AliasedHeader {
  const sent = [name, alias].flatMap((field) => {
    const value = headerOf(request, field.toLowerCase());
    return value === undefined ? [] : [{ field, value }];
  });
  const bad = sent.find(({ value }) => !VISIBLE_ASCII.test(value));
  if (bad) return { problem: { field: bad.field, message: 'must be 1–128 visible ASCII characters' } };
  if (sent.length === 2 && sent[0].value !== sent[1].value) return { problem: { field: name, message: `must equal ${alias} when both are sent` } };
  return { value: sent[0]?.value };
}
