import { BillingContact, CustomerEvent, SealedContact } from '@app/domain';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MasterKeys } from './master-keys';
import { PersonalDataVault } from './personal-data-vault';
import { SqliteDataKeyStore } from './sqlite-data-key-store';

const STREAM = 'customer-p1-3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const CONTACT: BillingContact = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@contoso.com',
  phoneNumber: '+1 425 555 0100',
  defaultAddress: { addressLine1: '1 Microsoft Way', city: 'Redmond', state: 'WA', postalCode: '98052', country: 'US' },
};
const updated = (contact: BillingContact): CustomerEvent => ({ type: 'BillingProfileUpdated', data: { culture: 'en-US', language: 'en', contact } });
const recorded = (event: CustomerEvent, revision = 1n) => ({ stream: STREAM, revision, type: event.type, data: event.data });
const contactOf = (e: { data: unknown }) => (e.data as { contact: unknown }).contact;

describe('PersonalDataVault', () => {
  let dir: string;
  let keys: SqliteDataKeyStore;
  const master = Buffer.alloc(32, 1);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vault-'));
    keys = new SqliteDataKeyStore(join(dir, 'keys.sqlite'));
  });
  afterEach(async () => {
    await keys.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seals only the personal fields, and opens them again', async () => {
    const vault = new PersonalDataVault(keys, new MasterKeys(master));
    const [sealed] = await vault.sealEvents(STREAM, [updated(CONTACT)]);
    const stored = contactOf(sealed) as SealedContact;
    expect(stored.defaultAddress).toEqual({ city: 'Redmond', state: 'WA', postalCode: '98052', country: 'US' });
    expect(JSON.stringify(sealed)).not.toMatch(/Ada|Lovelace|ada@|425 555|Microsoft Way/);
    const [opened] = await vault.openEvents([recorded(sealed)]);
    expect(contactOf(opened)).toEqual(CONTACT);
  });

  it('after an erase the same stored event opens as erased, and a new contact gets a new key', async () => {
    const vault = new PersonalDataVault(keys, new MasterKeys(master));
    const [sealed] = await vault.sealEvents(STREAM, [updated(CONTACT)]);
    const keyBefore = (await keys.find(STREAM))!.keyId;
    await vault.erase(STREAM, 1n);
    const [opened] = await vault.openEvents([recorded(sealed)]);
    expect(contactOf(opened)).toMatchObject({ personalDataErased: true, firstName: null, defaultAddress: { addressLine1: null, city: 'Redmond' } });
    const [resealed] = await vault.sealEvents(STREAM, [updated(CONTACT)]);
    expect((await keys.find(STREAM))!.keyId).not.toBe(keyBefore);
    expect(contactOf((await vault.openEvents([recorded(resealed, 3n)]))[0])).toEqual(CONTACT);
    expect(contactOf((await vault.openEvents([recorded(sealed)]))[0])).toMatchObject({ personalDataErased: true });
  });

  it('hides a plain (pre-sealing) contact at or before the erased revision, not after', async () => {
    const vault = new PersonalDataVault(keys, new MasterKeys(master));
    await vault.erase(STREAM, 1n);
    const [before, after] = await vault.openEvents([recorded(updated(CONTACT), 1n), recorded(updated(CONTACT), 2n)]);
    expect(contactOf(before)).toMatchObject({ personalDataErased: true });
    expect(contactOf(after)).toEqual(CONTACT);
  });

  it('a rotation rewraps every key under the new master key; the old one is then no longer needed', async () => {
    const [sealed] = await new PersonalDataVault(keys, new MasterKeys(master)).sealEvents(STREAM, [updated(CONTACT)]);
    const next = Buffer.alloc(32, 2);
    expect(await new PersonalDataVault(keys, new MasterKeys(next, [master])).rewrapAll()).toBe(1);
    const [opened] = await new PersonalDataVault(keys, new MasterKeys(next)).openEvents([recorded(sealed)]);
    expect(contactOf(opened)).toEqual(CONTACT);
    await expect(new PersonalDataVault(keys, new MasterKeys(master)).openEvents([recorded(sealed)])).rejects.toThrow(/not configured/);
  });

  it('a tampered ciphertext fails loudly rather than reading as erased', async () => {
    const vault = new PersonalDataVault(keys, new MasterKeys(master));
    const [sealed] = await vault.sealEvents(STREAM, [updated(CONTACT)]);
    const contact = contactOf(sealed) as SealedContact;
    const parts = contact.sealed.split('.');
    parts[3] = Buffer.from('x'.repeat(20)).toString('base64url');
    const tampered = { ...sealed, data: { ...(sealed.data as object), contact: { ...contact, sealed: parts.join('.') } } } as CustomerEvent;
    await expect(vault.openEvents([recorded(tampered)])).rejects.toThrow();
  });
});
