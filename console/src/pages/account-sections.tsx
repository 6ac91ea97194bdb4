import { Fragment } from 'preact';
import type { AccountDetailDto } from '../../../client/src/index.js';
import { RESOURCE_LABELS, RESOURCES } from '../labels';
import { Shown } from '../ui';

/** What the account view may hold: contact fields come back null once personal data is erased. */
export type Billing = { [K in keyof AccountDetailDto['billingProfile']]: AccountDetailDto['billingProfile'][K] | null };

export function CompanyInfo({ account }: { account: AccountDetailDto }) {
  return (
    <section class="card" aria-labelledby="company-info">
      <h2 id="company-info">Company info</h2>
      <p class="hint">The customer tenant as the relationship was established. It never changes here.</p>
      <CompanyInfoView account={account} />
    </section>
  );
}

function CompanyInfoView({ account }: { account: AccountDetailDto }) {
  const company = account.companyProfile;
  return (
      <dl>
        <dt>Company name</dt>
        <dd data-field="original-name">{company.companyName}</dd>
        <dt>Domain</dt>
        <dd>{company.domain}</dd>
        <dt>Tenant ID</dt>
        <dd>
          <code>{company.tenantId}</code>
        </dd>
      </dl>
  );
}

/** The billing info, read-only (a caller who may not write, or an as-of snapshot). */
export function BillingInfoView({ account }: { account: AccountDetailDto }) {
  const billing = account.billingProfile as Billing;
  const address = billing.defaultAddress;
  return (
    <dl>
      <dt>Company name</dt>
      <dd data-field="friendly-name">{billing.companyName}</dd>
      <dt>Contact</dt>
      <dd>
        <Shown value={billing.firstName} /> <Shown value={billing.lastName} />
      </dd>
      <dt>Email</dt>
      <dd>
        <Shown value={billing.email} />
      </dd>
      <dt>Phone number</dt>
      <dd>
        <Shown value={billing.phoneNumber} />
      </dd>
      <dt>Culture and language</dt>
      <dd>
        <Shown value={billing.culture} /> · <Shown value={billing.language} />
      </dd>
      <dt>Address</dt>
      <dd>
        {address === null ? (
          <Shown value={null} />
        ) : address === undefined ? (
          <Shown value={undefined} />
        ) : (
          <>
            {[address.addressLine1, address.addressLine2, address.addressLine3].filter((l) => l !== undefined).map((line, i) => (
              <span class="line" key={i}>
                <Shown value={line} />
              </span>
            ))}
            <span class="line">
              <Shown value={address.postalCode} /> <Shown value={address.city} /> {address.state !== undefined && <Shown value={address.state} />}
            </span>
            <span class="line">
              <Shown value={address.country} />
            </span>
          </>
        )}
      </dd>
    </dl>
  );
}

export function selfPurchaseAllowed(account: AccountDetailDto, resource: string): boolean {
  return (account.selfPurchase.resources as string[]).includes(resource);
}

/** The account exactly as a snapshot holds it (as-of), with nothing to edit. */
export function AccountSnapshot({ account }: { account: AccountDetailDto }) {
  return (
    <div class="sections">
      <section class="card">
        <h3>Company info</h3>
        <CompanyInfoView account={account} />
      </section>
      <section class="card">
        <h3>Billing info</h3>
        <BillingInfoView account={account} />
      </section>
      <section class="card">
        <h3>Self-purchase and Cost Management</h3>
        <dl>
          {RESOURCES.map((r) => (
            <Fragment key={r}>
              <dt>Self-purchase: {RESOURCE_LABELS[r]}</dt>
              <dd>{selfPurchaseAllowed(account, r) ? 'Allowed' : 'Not allowed'}</dd>
            </Fragment>
          ))}
          <dt>Cost Management</dt>
          <dd>{account.costManagement.enabled ? 'Enabled' : 'Disabled'}</dd>
        </dl>
      </section>
    </div>
  );
}
