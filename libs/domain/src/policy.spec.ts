import { Actor, PartnerType, Role } from './actor';
import { Forbidden } from './errors';
import { authorize, can, Permission } from './policy';

const actor = (partnerType: PartnerType, roles: Role[]): Actor => ({ sub: 'user-1', partnerId: 'partner-1', partnerType, roles });

const PARTNER_TYPES: PartnerType[] = ['direct-csp', 'indirect-provider', 'indirect-reseller'];
const ROLES: Role[] = ['admin-agent', 'sales-agent', 'helpdesk-agent', 'billing-admin', 'auditor'];

// The expected policy, written out by hand: for each permission and partner type, the roles that
// grant it. Every other cell of the partner type × role matrix is a refusal.
const ALLOWED: Record<Permission, Record<PartnerType, Role[]>> = {
  write: {
    'direct-csp': ['admin-agent', 'sales-agent'],
    'indirect-provider': ['admin-agent', 'sales-agent'],
    'indirect-reseller': [],
  },
  erase: {
    'direct-csp': ['admin-agent'],
    'indirect-provider': ['admin-agent'],
    'indirect-reseller': [],
  },
  read: {
    'direct-csp': ROLES,
    'indirect-provider': ROLES,
    'indirect-reseller': ROLES,
  },
  audit: {
    'direct-csp': ['auditor', 'admin-agent'],
    'indirect-provider': ['auditor', 'admin-agent'],
    'indirect-reseller': ['auditor', 'admin-agent'],
  },
  operate: {
    'direct-csp': ['admin-agent'],
    'indirect-provider': ['admin-agent'],
    'indirect-reseller': ['admin-agent'],
  },
};

const MATRIX = (Object.keys(ALLOWED) as Permission[]).flatMap((permission) =>
  PARTNER_TYPES.flatMap((partnerType) =>
    ROLES.map((role) => [permission, partnerType, role, ALLOWED[permission][partnerType].includes(role)] as const),
  ),
);

describe('can', () => {
  test('the matrix covers 5 permissions × 3 partner types × 5 roles', () => {
    expect(MATRIX).toHaveLength(75);
  });

  test.each(MATRIX)('%s as %s with only %s → %p', (permission, partnerType, role, allowed) => {
    expect(can(actor(partnerType, [role]), permission)).toBe(allowed);
  });

  test.each(['write', 'read', 'audit', 'operate'] as Permission[])('%s is refused to a user with no role', (permission) => {
    expect(can(actor('direct-csp', []), permission)).toBe(false);
  });

  test('one granting role among others is enough', () => {
    expect(can(actor('direct-csp', ['auditor', 'helpdesk-agent', 'sales-agent']), 'write')).toBe(true);
    expect(can(actor('indirect-reseller', ['billing-admin', 'auditor']), 'audit')).toBe(true);
  });

  test('no role lets an indirect reseller write', () => {
    expect(can(actor('indirect-reseller', ROLES), 'write')).toBe(false);
  });

  test('an unknown role from a token grants nothing', () => {
    expect(can(actor('direct-csp', ['global-admin' as Role]), 'read')).toBe(false);
  });
});

describe('authorize', () => {
  test.each(MATRIX)('%s as %s with only %s: throws unless allowed (%p)', (permission, partnerType, role, allowed) => {
    const check = () => authorize(actor(partnerType, [role]), permission);
    if (allowed) expect(check).not.toThrow();
    else expect(check).toThrow(Forbidden);
  });

  test('a refused write explains the partner and role requirement', () => {
    expect(() => authorize(actor('indirect-reseller', ['admin-agent']), 'write')).toThrow(
      /direct CSP or indirect provider.*admin-agent or sales-agent/,
    );
  });

  test('a refused audit names the roles that would grant it', () => {
    let thrown: unknown;
    try {
      authorize(actor('direct-csp', ['sales-agent']), 'audit');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Forbidden);
    expect(thrown).toMatchObject({ code: 'FORBIDDEN', message: 'This needs one of the roles: auditor, admin-agent.' });
  });
});
