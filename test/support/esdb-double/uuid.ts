/**
 * Event ids on the wire: `UUID` is either a string or a structured pair of signed 64-bit halves
 * (most significant first), and a read request's `uuid_option` says which form to answer with.
 */
import { shared, streams } from './proto';
import { invalidArgument } from './grpc-errors';

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const MASK_64 = (1n << 64n) - 1n;

/** The canonical lower-case text of a wire UUID; rejects what EventStoreDB could not parse as a Guid. */
export function uuidFromMessage(message: shared.UUID | undefined, what: string): string {
  if (!message) throw invalidArgument(`'${what}' is required.`);
  let text: string;
  if (message.hasStructured()) {
    const structured = message.getStructured()!;
    const most = BigInt(structured.getMostSignificantBits()) & MASK_64;
    const least = BigInt(structured.getLeastSignificantBits()) & MASK_64;
    const hex = most.toString(16).padStart(16, '0') + least.toString(16).padStart(16, '0');
    text = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  } else {
    text = message.getString().trim().toLowerCase();
    // .NET's Guid parser also accepts 32 bare hex digits.
    if (/^[0-9a-f]{32}$/.test(text)) {
      text = `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
    }
  }
  if (!UUID_TEXT.test(text)) throw invalidArgument(`'${what}' is not a valid UUID: ${message.getString()}`);
  return text;
}

function toSigned64(value: bigint): bigint {
  return value >= 1n << 63n ? value - (1n << 64n) : value;
}

export type UuidForm = 'string' | 'structured';

export function uuidFormOf(option: streams.ReadReq.Options.UUIDOption): UuidForm {
  return option.hasStructured() ? 'structured' : 'string';
}

export function uuidMessage(id: string, form: UuidForm): shared.UUID {
  const message = new shared.UUID();
  if (form === 'string') return message.setString(id);
  const hex = id.replace(/-/g, '');
  const structured = new shared.UUID.Structured()
    .setMostSignificantBits(toSigned64(BigInt(`0x${hex.slice(0, 16)}`)).toString())
    .setLeastSignificantBits(toSigned64(BigInt(`0x${hex.slice(16)}`)).toString());
  return message.setStructured(structured);
}
