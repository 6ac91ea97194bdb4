import { Actor, PartnerType, Role } from './actor';
import { Forbidden } from './errors';

export type Permission = 'write' | 'erase' | 'read' | 'audit' | 'operate';

// Partner Center: only a direct CSP or an indirect provider changes customer information, and only
// through an Admin agent or Sales agent.
const WRITING_PARTNERS: readonly PartnerType[] = ['direct-csp', 'indirect-provider'];
const ROLES_FOR: Record<Permission, readonly Role[]> = {
  write: ['admin-agent', 'sales-agent'],
  // Erasing a person's data cannot be undone: administrators only.
  erase: ['admin-agent'],
  read: ['admin-agent', 'sales-agent', 'helpdesk-agent', 'billing-admin', 'auditor'],
  audit: ['auditor', 'admin-agent'],
  operate: ['admin-agent'],
};

export function can(actor: Actor, permission: Permission): boolean {
  if ((permission === 'write' || permission === 'erase') && !WRITING_PARTNERS.includes(actor.partnerType)) return false;
  return actor.roles.some((role) => ROLES_FOR[permission].includes(role));
}

export function authorize(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) {
    throw new Forbidden(
      permission === 'write'
        ? 'Changing customer information needs a direct CSP or indirect provider partner and the admin-agent or sales-agent role.'
        : permission === 'erase'
          ? 'Erasing personal data needs a direct CSP or indirect provider partner and the admin-agent role.'
          : `This needs one of the roles: ${ROLES_FOR[permission].join(', ')}.`,
    );
  }
}
