import {
  BillingContact,
  BillingDetails,
  CustomerEvent,
  erasedContact,
  isErasedContact,
  isSealedContact,
  joinContact,
  PersonalFields,
  PlainAddress,
  SealedContact,
  splitContact,
  StoredContact,
} from '@app/domain';
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { DataKeyStore } from './data-key-store';
import { MasterKeys } from './master-keys';

/** What a read needs to open one stream's contacts: its data key (if any) and how far an erase reached. */
interface StreamKeys {
  readonly keyId: string | null;
  readonly key: Buffer | null;
  readonly erasedThrough: bigint | null;
}

const FORMAT = 'v1';

/**
 * Seals and opens the billing contact's personal fields (names, e-mail, phone, address lines) with
 * AES-256-GCM under the relationship's data key, and erases them by deleting that key. The domain
 * only ever sees the sealed form as an opaque string; this is the one place that knows keys.
 */
export class PersonalDataVault {
  constructor(
    private readonly keys: DataKeyStore,
    private readonly master: MasterKeys,
  ) {}

  /** The events as they are to be stored: every plain contact sealed under the stream's key. */
  async sealEvents(stream: string, events: readonly CustomerEvent[]): Promise<CustomerEvent[]> {
    let key: { keyId: string; key: Buffer } | undefined;
    const seal = async (contact: StoredContact): Promise<StoredContact> => {
      if (isSealedContact(contact) || isErasedContact(contact)) return contact;
      key ??= await this.currentKey(stream);
      return sealContact(stream, key.keyId, key.key, contact);
    };
    const sealed: CustomerEvent[] = [];
    for (const event of events) {
      if (event.type === 'BillingProfileUpdated') sealed.push({ ...event, data: { ...event.data, contact: await seal(event.data.contact) } });
      else if (event.type === 'CustomerRelationshipEstablished' && event.data.billingProfile) {
        const profile = event.data.billingProfile;
        sealed.push({ ...event, data: { ...event.data, billingProfile: { ...profile, contact: await seal(profile.contact) } } });
      } else sealed.push(event);
    }
    return sealed;
  }

  /**
   * Opens the contacts in stored events (already upcast, not yet decoded): sealed ones with the
   * stream's key, or as erased when the key is gone; plain ones (stored before sealing) as erased
   * when an erase covered their revision. Anything else passes through for the decoder to judge.
   */
  async openEvents<E extends { readonly stream: string; readonly revision: bigint; readonly type: string; readonly data: unknown }>(events: readonly E[]): Promise<E[]> {
    const byStream = new Map<string, Promise<StreamKeys>>();
    const keysOf = (stream: string) => {
      let keys = byStream.get(stream);
      if (!keys) byStream.set(stream, (keys = this.streamKeys(stream)));
      return keys;
    };
    return Promise.all(
      events.map(async (event) => {
        const contact = contactOf(event);
        if (!contact || isErasedContact(contact)) return event;
        if (!isSealedContact(contact) && !('firstName' in contact)) return event;
        const keys = await keysOf(event.stream);
        const opened = isSealedContact(contact)
          ? openContact(event.stream, keys, contact)
          : keys.erasedThrough !== null && event.revision <= keys.erasedThrough
            ? erasedContact(contact)
            : contact;
        return withContact(event, opened);
      }),
    );
  }

  /** Opens the contact of a stored (sealed, erased or plain) contact outside any event: a view's. */
  async openContact(stream: string, contact: StoredContact): Promise<BillingContact | ReturnType<typeof erasedContact>> {
    if (isErasedContact(contact)) return contact;
    const keys = await this.streamKeys(stream);
    if (isSealedContact(contact)) return openContact(stream, keys, contact);
    // A plain contact predates sealing, so it lies before any erase of its stream.
    return keys.erasedThrough !== null ? erasedContact(contact) : contact;
  }

  /** Deletes the stream's data key (so every contact sealed under it reads as erased) and records the erase. */
  erase(stream: string, throughRevision: bigint): Promise<void> {
    return this.keys.erase(stream, throughRevision);
  }

  /** Rewraps every data key under the current master key; returns how many changed. */
  async rewrapAll(): Promise<number> {
    let count = 0;
    for await (const stored of this.keys.all()) {
      if (stored.masterKeyId === this.master.currentId) continue;
      await this.keys.rewrap(this.master.wrap(stored.stream, stored.keyId, this.master.unwrap(stored)));
      count++;
    }
    return count;
  }

  private async currentKey(stream: string): Promise<{ keyId: string; key: Buffer }> {
    const stored = (await this.keys.find(stream)) ?? (await this.keys.findOrAdd(this.master.wrap(stream, randomUUID(), randomBytes(32))));
    return { keyId: stored.keyId, key: this.master.unwrap(stored) };
  }

  private async streamKeys(stream: string): Promise<StreamKeys> {
    const [stored, erasedThrough] = await Promise.all([this.keys.find(stream), this.keys.erasedThrough(stream)]);
    return { keyId: stored?.keyId ?? null, key: stored ? this.master.unwrap(stored) : null, erasedThrough };
  }
}

function sealContact(stream: string, keyId: string, key: Buffer, contact: BillingContact): SealedContact {
  const { personal, plainAddress } = splitContact(contact);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(stream, keyId));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(personal), 'utf8'), cipher.final()]);
  const parts = [iv, ciphertext, cipher.getAuthTag()].map((b) => b.toString('base64url'));
  return { sealed: [FORMAT, keyId, ...parts].join('.'), defaultAddress: plainAddress };
}

/** A missing or replaced key is the normal state of an erased contact, not an error; a bad tag is corruption and throws. */
function openContact(stream: string, keys: StreamKeys, contact: SealedContact): BillingContact | ReturnType<typeof erasedContact> {
  const [format, keyId, iv, ciphertext, tag] = contact.sealed.split('.');
  if (format !== FORMAT || tag === undefined) throw new Error(`A sealed contact in ${stream} has an unknown format.`);
  if (!keys.key || keys.keyId !== keyId) return erasedContact(contact);
  const decipher = createDecipheriv('aes-256-gcm', keys.key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(aad(stream, keyId));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const personal = JSON.parse(Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8')) as PersonalFields;
  return joinContact(personal, contact.defaultAddress as PlainAddress);
}

const aad = (stream: string, keyId: string) => Buffer.from(`contact\0${stream}\0${keyId}`);

type Loose = Record<string, unknown>;
const isRecord = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);

function contactOf(event: { type: string; data: unknown }): StoredContact | undefined {
  if (!isRecord(event.data)) return undefined;
  const details = event.type === 'BillingProfileUpdated' ? event.data : event.type === 'CustomerRelationshipEstablished' ? event.data.billingProfile : undefined;
  return isRecord(details) && isRecord(details.contact) && isRecord(details.contact.defaultAddress) ? (details.contact as unknown as StoredContact) : undefined;
}

function withContact<E extends { type: string; data: unknown }>(event: E, contact: StoredContact): E {
  const data = event.data as Loose;
  if (event.type === 'BillingProfileUpdated') return { ...event, data: { ...data, contact } };
  return { ...event, data: { ...data, billingProfile: { ...(data.billingProfile as BillingDetails<StoredContact>), contact } } };
}
