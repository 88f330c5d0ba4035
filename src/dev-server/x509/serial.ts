// Certificate serial numbers as Vault prints them (`serial_number`, `sys/…/cert/<serial>` keys).

/**
 * Vault's colon-separated lower-case hex form: `1a:2b:…`, one byte per group, with DER's leading zero bytes (added
 * to keep the integer positive) dropped but an odd digit count padded to whole bytes. Accepts hex with or without
 * colons, any case; anything else passes through normalised the same way (a lookup of it then finds nothing).
 */
export function vaultSerial(hex: string): string {
  let digits = hex.replace(/:/g, '').toLowerCase();
  if (digits.length % 2 === 1) digits = `0${digits}`;
  const bytes = digits.match(/../g) ?? [];
  while (bytes.length > 1 && bytes[0] === '00') bytes.shift();
  return bytes.join(':');
}
