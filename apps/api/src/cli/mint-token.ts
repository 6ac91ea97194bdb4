import { PARTNER_TYPES, PartnerType, ROLES, Role } from '@app/domain';
import { ConfigError, loadConfig } from '@app/platform';
import { SignJWT } from 'jose';
import { parseArgs } from 'node:util';

const USAGE = `Mints a development token signed with this service's HS256 secret.

  npm run token -- --partner <id> [--type direct-csp|indirect-provider|indirect-reseller]
                   [--roles admin-agent,sales-agent,...] [--sub <user>] [--ttl <seconds>]

Defaults: --type direct-csp --roles admin-agent --sub dev-user --ttl 3600.
Uses DATA_DIR's generated development secret, or AUTH_JWT_SECRET with AUTH_ISSUER and AUTH_AUDIENCE.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      partner: { type: 'string' },
      type: { type: 'string', default: 'direct-csp' },
      roles: { type: 'string', default: 'admin-agent' },
      sub: { type: 'string', default: 'dev-user' },
      ttl: { type: 'string', default: '3600' },
      help: { type: 'boolean', default: false },
    },
  });
  const roles = values.roles.split(',').map((r) => r.trim()).filter(Boolean);
  const problems = [
    !values.partner && '--partner is required',
    !PARTNER_TYPES.includes(values.type as PartnerType) && `--type must be one of ${PARTNER_TYPES.join(', ')}`,
    roles.some((r) => !ROLES.includes(r as Role)) && `--roles must be taken from ${ROLES.join(', ')}`,
    !/^\d+$/.test(values.ttl) && '--ttl must be a number of seconds',
  ].filter(Boolean);
  if (values.help || problems.length > 0) {
    console.error([...problems, '', USAGE].join('\n'));
    process.exit(values.help ? 0 : 2);
  }
  const { auth } = loadConfig();
  if (auth.key.kind !== 'secret') throw new Error('This service verifies tokens with a public key: mint them with its identity provider.');
  const token = await new SignJWT({ partner_id: values.partner, partner_type: values.type, roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(values.sub)
    .setIssuer(auth.issuer)
    .setAudience(auth.audience)
    .setIssuedAt()
    .setExpirationTime(`${values.ttl}s`)
    .sign(auth.key.secret);
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
  process.exit(1);
});
