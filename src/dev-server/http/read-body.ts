// Request bodies, read with Vault's size limit and parsed the way Vault's HTTP layer parses them: a form when the
// content type says so and the body does not look like JSON, JSON otherwise, nothing when empty.

import type { IncomingMessage } from 'node:http';
import { VaultApiError } from '../types.js';

/** Vault's DefaultMaxRequestSize: 32 MiB. */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

/** 413 as Go's http.MaxBytesReader reports it. */
export const bodyTooLarge = (): VaultApiError => new VaultApiError(413, ['http: request body too large']);

/**
 * Reads the whole body, refusing (413) past `limit` bytes. The rest of an oversized body is drained rather than the
 * connection cut, so the client reads the 413 instead of a reset; a body four times the limit is cut off.
 */
export async function readBody(request: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > 4 * limit) request.destroy();
    if (size <= limit) chunks.push(buffer);
  }
  if (size > limit) throw bodyTooLarge();
  return Buffer.concat(chunks);
}

/** The body as request data: form fields, a JSON object, or an empty object for an empty body. */
export function parseBody(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = body.toString('utf8');
  if (isForm(text, contentType)) return parseForm(text);
  return parseJsonObject(text);
}

/** Vault's JSON body rule (also used by `sys/unseal`): an object, `null` or nothing; anything else is a 400. */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw jsonError(goJsonMessage(text, error));
  }
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw jsonError(`json: cannot unmarshal ${goKind(value)} into Go value of type map[string]interface {}`);
  }
  return value as Record<string, unknown>;
}

function jsonError(message: string): VaultApiError {
  return new VaultApiError(400, [`failed to parse JSON input: ${message}`]);
}

// Vault peeks at the body: a form content type only wins when the first significant byte does not open JSON.
function isForm(text: string, contentType: string | undefined): boolean {
  if (mediaType(contentType) !== 'application/x-www-form-urlencoded') return false;
  const first = text.trimStart()[0];
  return first !== '{' && first !== '[';
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

// Go's url.ParseQuery: one value stays a string, repeated keys become a list.
function parseForm(text: string): Record<string, unknown> {
  return queryData(new URLSearchParams(text));
}

/** Query or form parameters as request data (Vault's parseQuery: `help` is reserved and dropped). */
export function queryData(params: URLSearchParams): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    if (key === 'help') continue;
    const values = params.getAll(key);
    data[key] = values.length === 1 ? values[0] : values;
  }
  return data;
}

// Go's encoding/json messages for the common cases; the JS parser's wording differs between Node versions.
function goJsonMessage(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/end of JSON input|Unterminated string|Unexpected end/i.test(message)) return 'unexpected EOF';
  const position = /position (\d+)/.exec(message)?.[1];
  const at = position === undefined ? firstBadCharacter(text) : Number(position);
  const char = text[at];
  if (char === undefined) return 'unexpected EOF';
  return `invalid character ${goQuoteRune(char)} looking for beginning of value`;
}

function firstBadCharacter(text: string): number {
  const index = text.search(/[^\s{}[\]",:0-9a-zA-Z.+-]/);
  return index === -1 ? 0 : index;
}

function goQuoteRune(char: string): string {
  return char === "'" ? "'\\''" : `'${char}'`;
}

function goKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}
