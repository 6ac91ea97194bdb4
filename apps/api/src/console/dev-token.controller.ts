import { Body, Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PARTNER_TYPES, PartnerType, ROLES, Role, ValidationError } from '@app/domain';
import { AppConfig, APP_CONFIG, Problem } from '@app/platform';
import type { Request } from 'express';
import { SignJWT } from 'jose';

const TOKEN_TTL_SECONDS = 3600;

/**
 * DEVELOPMENT ONLY: the console's development sign-in. Registered only on the all-embedded default
 * with the secret generated under DATA_DIR (see ConsoleModule), so it can never mint a token a
 * configured identity provider's service would accept; answered only to this machine (loopback).
 * Kept out of the OpenAPI document: it is no part of the contract.
 */
@ApiExcludeController()
@Controller('dev/token')
export class DevTokenController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Tells the console that development sign-in is available, and what it may ask for. */
  @Get()
  describe(@Req() request: Request): { partnerTypes: readonly string[]; roles: readonly string[] } {
    requireLoopback(request);
    return { partnerTypes: PARTNER_TYPES, roles: ROLES };
  }

  @Post()
  @HttpCode(200)
  async mint(@Body() body: unknown, @Req() request: Request): Promise<{ token: string; expiresIn: number }> {
    requireLoopback(request);
    const { partnerId, partnerType, roles, sub } = readRequest(body);
    const { key, issuer, audience } = this.config.auth;
    if (key.kind !== 'secret') throw new Error('Development sign-in needs the generated secret.');
    const token = await new SignJWT({ partner_id: partnerId, partner_type: partnerType, roles })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(`${TOKEN_TTL_SECONDS}s`)
      .sign(key.secret);
    return { token, expiresIn: TOKEN_TTL_SECONDS };
  }
}

// A developer's service usually listens on every interface: a neighbour on the network must not
// be able to mint an admin token from it.
function requireLoopback(request: Request): void {
  const address = request.socket.remoteAddress ?? '';
  if (!/^(127\.|::1$|::ffff:127\.)/.test(address)) {
    throw new Problem(403, 'FORBIDDEN', 'Forbidden', 'Development sign-in answers only requests from this machine.');
  }
}

const NAME = /^[^\u0000-\u001f\u007f]{1,128}$/;

function readRequest(body: unknown): { partnerId: string; partnerType: PartnerType; roles: Role[]; sub: string } {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const { partnerId, partnerType, roles, sub = 'console-developer', ...rest } = input;
  const errors = [
    ...Object.keys(rest).map((field) => ({ field, message: 'is not a known property' })),
    ...(typeof partnerId === 'string' && NAME.test(partnerId.trim()) ? [] : [{ field: 'partnerId', message: 'must be 1–128 characters' }]),
    ...(PARTNER_TYPES.includes(partnerType as PartnerType) ? [] : [{ field: 'partnerType', message: `must be one of ${PARTNER_TYPES.join(', ')}` }]),
    ...(Array.isArray(roles) && roles.length > 0 && roles.every((r) => ROLES.includes(r as Role))
      ? []
      : [{ field: 'roles', message: `must be a non-empty list taken from ${ROLES.join(', ')}` }]),
    ...(typeof sub === 'string' && NAME.test(sub.trim()) ? [] : [{ field: 'sub', message: 'must be 1–128 characters' }]),
  ];
  if (errors.length > 0) throw new ValidationError(errors);
  return { partnerId: (partnerId as string).trim(), partnerType: partnerType as PartnerType, roles: roles as Role[], sub: (sub as string).trim() };
}
