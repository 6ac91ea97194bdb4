import { ValidationError } from '@app/domain';
import type { NextFunction, Request, Response } from 'express';
import { Problem } from '../errors/problem';

const JSON_TYPES = ['application/json', 'application/*+json'];

/** Keys that reach into an object's prototype when a body is copied or merged. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Writes take JSON only: a body of any other type is 415, not a validation error about fields
 * the parser never read. A write without a body (no length, no chunks) needs no type.
 */
export function requireJsonBody(request: Request, _response: Response, next: NextFunction): void {
  const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
  if (['POST', 'PUT', 'PATCH'].includes(request.method) && hasBody && !request.is(JSON_TYPES)) {
    next(new Problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', 'Send the body as application/json.'));
    return;
  }
  next();
}

/**
 * Bounds a parsed body before anything recurses into it (validation, transformation): past
 * `maxDepth` nested objects or arrays it is 400 BODY_TOO_DEEP, not a stack overflow; a key such as
 * `__proto__` is refused by name.
 */
export function checkJsonShape(maxDepth: number) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    try {
      inspect(request.body, maxDepth);
      next();
    } catch (error) {
      next(error);
    }
  };
}

function inspect(body: unknown, maxDepth: number): void {
  // Iterative, so the check itself cannot overflow the stack it protects.
  const pending: [unknown, string, number][] = [[body, '', 0]];
  const forbidden: string[] = [];
  while (pending.length > 0) {
    const [value, path, depth] = pending.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxDepth) {
      throw new Problem(400, 'BODY_TOO_DEEP', 'Body nested too deeply', `The body nests objects and arrays more than ${maxDepth} levels deep.`);
    }
    for (const key of Object.keys(value)) {
      const at = path === '' ? key : `${path}.${key}`;
      if (FORBIDDEN_KEYS.has(key)) forbidden.push(at);
      else pending.push([(value as Record<string, unknown>)[key], at, depth + 1]);
    }
  }
  if (forbidden.length > 0) throw new ValidationError(forbidden.sort().map((field) => ({ field, message: 'is not an allowed property name' })));
}
