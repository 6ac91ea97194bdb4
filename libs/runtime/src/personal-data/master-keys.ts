import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A data key as the key store keeps it: wrapped by a master key, never in clear text. */
export interface WrappedDataKey {
  readonly stream: string;
  readonly keyId: string;
  /** base64url of iv (12 bytes) | tag (16 bytes) | ciphertext (32 bytes). */
  readonly wrapped: string;
  /** Which master key wrapped it (`masterKeyId`), so a rotation knows what to rewrap. */
  readonly masterKeyId: string;
}

/** A short, non-secret name of a master key: how a wrapped data key says which one wrapped it. */
export function masterKeyId(key: Buffer): string {
  return createHash('sha256').update('customer-accounts master key id\0').update(key).digest('hex').slice(0, 16);
}

/**
 * Wraps and unwraps data keys with AES-256-GCM under the configured master keys: the current one
 * wraps, any configured one unwraps. The additional data binds a wrapped key to its stream and id,
 * so a wrapped key copied to another relationship's record does not unwrap.
 */
export class MasterKeys {
  private readonly byId = new Map<string, Buffer>();
  readonly currentId: string;

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    this.currentId = masterKeyId(current);
    for (const key of [current, ...previous]) this.byId.set(masterKeyId(key), key);
  }

  wrap(stream: string, keyId: string, dataKey: Buffer): WrappedDataKey {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.byId.get(this.currentId)!, iv);
    cipher.setAAD(aad(stream, keyId));
    const ciphertext = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { stream, keyId, wrapped: Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url'), masterKeyId: this.currentId };
  }

  unwrap({ stream, keyId, wrapped, masterKeyId: id }: WrappedDataKey): Buffer {
    const master = this.byId.get(id);
    if (!master) throw new Error(`The data key of ${stream} is wrapped by master key ${id}, which is not configured (PII_MASTER_KEY, PII_PREVIOUS_MASTER_KEYS).`);
    const bytes = Buffer.from(wrapped, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', master, bytes.subarray(0, 12));
    decipher.setAAD(aad(stream, keyId));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]);
  }
}

const aad = (stream: string, keyId: string) => Buffer.from(`data-key\0${stream}\0${keyId}`);
