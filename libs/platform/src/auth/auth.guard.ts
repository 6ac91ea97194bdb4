import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Actor, authorize, Permission } from '@app/domain';
import type { Request } from 'express';
import { problems } from '../errors/problem';
import { TokenVerifier } from './token-verifier';

const PERMISSION = 'permission';

/** Declares what a route needs; the guard checks the caller's roles and partner type against it. */
export const Requires = (permission: Permission) => SetMetadata(PERMISSION, permission);

export interface AuthenticatedRequest extends Request {
  actor: Actor;
}

/** The token of an `Authorization: Bearer <JWT>` header, if the request has one of that shape. */
export function bearerToken(request: Request): string | undefined {
  return /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(request.headers.authorization ?? '')?.[1];
}

/** Every `/v1` route needs a valid bearer token; operations routes outside it need none. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const permission = this.reflector.get<Permission | undefined>(PERMISSION, context.getHandler());
    if (!request.path.startsWith('/v1/') && !permission) return true;
    const token = bearerToken(request);
    if (!token) throw problems.unauthenticated('Send Authorization: Bearer <token>.');
    request.actor = await this.verifier.verify(token);
    if (!permission) throw new Error(`Route ${request.method} ${request.path} declares no permission.`);
    authorize(request.actor, permission);
    return true;
  }
}
