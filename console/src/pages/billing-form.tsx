import { useEffect, useState } from 'preact/hooks';
import { renameCustomer, updateBillingProfile, type AccountDetailDto, type BillingProfileDto } from '../../../client/src/index.js';
import { call, type Client, type Problem } from '../api';
import { ProblemBox } from '../ui';
import type { Write } from './account';
import type { Billing } from './account-sections';

type FieldName =
  | 'companyName'
  | 'firstName'
  | 'lastName'
  | 'email'
  | 'phoneNumber'
  | 'culture'
  | 'language'
  | 'defaultAddress.addressLine1'
  | 'defaultAddress.addressLine2'
  | 'defaultAddress.addressLine3'
  | 'defaultAddress.city'
  | 'defaultAddress.state'
  | 'defaultAddress.postalCode'
  | 'defaultAddress.country';

interface Field {
  readonly name: FieldName;
  readonly label: string;
  readonly required?: boolean;
  readonly type?: string;
  readonly autocomplete?: string;
}

const CONTACT: readonly Field[] = [
  { name: 'firstName', label: 'First name', required: true, autocomplete: 'off' },
  { name: 'lastName', label: 'Last name', required: true, autocomplete: 'off' },
  { name: 'email', label: 'Email', required: true, type: 'email', autocomplete: 'off' },
  { name: 'phoneNumber', label: 'Phone number', type: 'tel', autocomplete: 'off' },
  { name: 'culture', label: 'Culture (e.g. en-US)', required: true },
  { name: 'language', label: 'Language (e.g. en)', required: true },
];
const ADDRESS: readonly Field[] = [
  { name: 'defaultAddress.addressLine1', label: 'Address line 1', required: true },
  { name: 'defaultAddress.addressLine2', label: 'Address line 2' },
  { name: 'defaultAddress.addressLine3', label: 'Address line 3' },
  { name: 'defaultAddress.city', label: 'City', required: true },
  { name: 'defaultAddress.state', label: 'State or province' },
  { name: 'defaultAddress.postalCode', label: 'Postal code', required: true },
  { name: 'defaultAddress.country', label: 'Country (two letters, e.g. US)', required: true },
];

type Values = Record<FieldName, string>;

function valuesOf(billing: Billing): Values {
  const a = billing.defaultAddress ?? undefined;
  return {
    companyName: billing.companyName ?? '',
    firstName: billing.firstName ?? '',
    lastName: billing.lastName ?? '',
    email: billing.email ?? '',
    phoneNumber: billing.phoneNumber ?? '',
    culture: billing.culture ?? '',
    language: billing.language ?? '',
    'defaultAddress.addressLine1': a?.addressLine1 ?? '',
    'defaultAddress.addressLine2': a?.addressLine2 ?? '',
    'defaultAddress.addressLine3': a?.addressLine3 ?? '',
    'defaultAddress.city': a?.city ?? '',
    'defaultAddress.state': a?.state ?? '',
    'defaultAddress.postalCode': a?.postalCode ?? '',
    'defaultAddress.country': a?.country ?? '',
  };
}

function bodyOf(v: Values): BillingProfileDto {
  const optional = (value: string) => (value.trim() === '' ? undefined : value);
  return {
    companyName: v.companyName,
    firstName: v.firstName,
    lastName: v.lastName,
    email: v.email,
    phoneNumber: optional(v.phoneNumber),
    culture: v.culture,
    language: v.language,
    defaultAddress: {
      addressLine1: v['defaultAddress.addressLine1'],
      addressLine2: optional(v['defaultAddress.addressLine2']),
      addressLine3: optional(v['defaultAddress.addressLine3']),
      city: v['defaultAddress.city'],
      state: optional(v['defaultAddress.state']),
      postalCode: v['defaultAddress.postalCode'],
      country: v['defaultAddress.country'],
    },
  };
}

const inputId = (name: FieldName) => `billing-${name.replace('.', '-')}`;

/**
 * Billing info, editable: the friendly company name (a change renames the customer), the contact and
 * the address. Save sends the whole profile with If-Match; with no contact on file yet and only the
 * name changed, it sends a rename (also with If-Match).
 */
export function BillingForm({ client, account, write }: { client: Client; account: AccountDetailDto; write: Write }) {
  const billing = account.billingProfile as Billing;
  const initial = valuesOf(billing);
  const [values, setValues] = useState(initial);
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  // A newer revision (a save, a reload) replaces what the form holds; the form itself, and the
  // focus on its Save button, stay.
  useEffect(() => {
    setValues(valuesOf(account.billingProfile as Billing));
    setProblem(undefined);
  }, [account.revision]);
  const erased = Object.values(billing).some((v) => v === null);
  const hasContact = billing.firstName !== undefined || erased;
  const contactTouched = CONTACT.concat(ADDRESS).some((f) => values[f.name] !== initial[f.name]);
  const changed = contactTouched || values.companyName !== initial.companyName;
  // A profile on file (or one being entered) must be complete; a bare rename needs only the name.
  const contactRequired = hasContact || contactTouched;
  const errorOf = (name: FieldName) => problem?.errors?.find((e) => e.field === name)?.message;

  async function save(e: Event) {
    e.preventDefault();
    if (!changed) return setProblem({ title: 'Nothing to save', detail: 'Billing info is as it was.' });
    setBusy(true);
    const path = { id: account.id };
    const outcome = contactRequired
      ? await write('billing info', (ifMatch) => call(updateBillingProfile({ client, path, headers: { 'If-Match': ifMatch }, body: bodyOf(values) })))
      : await write('company name', (ifMatch) => call(renameCustomer({ client, path, headers: { 'If-Match': ifMatch }, body: { companyName: values.companyName } })));
    setBusy(false);
    // A 412 is shown once, for the whole page, with its way to reload.
    setProblem(outcome?.status === 412 ? undefined : outcome);
  }

  const input = (f: Field) => {
    const error = errorOf(f.name);
    const id = inputId(f.name);
    return (
      <div class="field" key={f.name}>
        <label for={id}>
          {f.label}
          {f.required ? '' : ' (optional)'}
        </label>
        <input
          id={id}
          name={f.name}
          type={f.type ?? 'text'}
          autocomplete={f.autocomplete ?? 'off'}
          required={f.name === 'companyName' || (f.required && contactRequired)}
          placeholder={erased && f.name !== 'companyName' && initial[f.name] === '' ? 'erased' : undefined}
          value={values[f.name]}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onInput={(e) => setValues({ ...values, [f.name]: e.currentTarget.value })}
        />
        {error && (
          <p class="field-error" id={`${id}-error`}>
            {error}
          </p>
        )}
      </div>
    );
  };

  return (
    <form onSubmit={save} noValidate>
      {problem && <ProblemBox problem={problem} />}
      {erased && (
        <p class="notice" role="note">
          The contact's personal data was erased. Enter new contact details to save a billing profile.
        </p>
      )}
      <p class="hint">The company name here is the customer's friendly name: it shows in the customer list. Company info keeps the original name.</p>
      {input({ name: 'companyName', label: 'Company name', required: true })}
      <fieldset class="grid">
        <legend>Contact</legend>
        {CONTACT.map(input)}
      </fieldset>
      <fieldset class="grid">
        <legend>Address</legend>
        {ADDRESS.map(input)}
      </fieldset>
      <div class="actions">
        <button type="submit" disabled={busy}>
          Save
        </button>
        <button type="button" disabled={busy || !changed} onClick={() => (setValues(initial), setProblem(undefined))}>
          Discard changes
        </button>
      </div>
    </form>
  );
}
