// The `config` endpoint the Kubernetes and JWT methods share: write replaces the stored configuration, read
// shows it back (404 until written).

import { ignoredFieldsWarning } from '../token/framework-fields.js';
import type { DevRequest, DevResponse } from '../types.js';
import { notFound, unsupportedOperation } from '../types.js';

/** How a method parses and shows its configuration. */
export interface ConfigCodec<T> {
  readonly fields: readonly string[];
  write(data: Readonly<Record<string, unknown>>): T;
  read(config: T): Record<string, unknown>;
}

/** One mount's configuration slot. */
export class ConfigSlot<T> {
  #value: T | undefined;
  readonly #codec: ConfigCodec<T>;

  constructor(codec: ConfigCodec<T>) {
    this.#codec = codec;
  }

  /** The configuration, once written. */
  get value(): T | undefined {
    return this.#value;
  }

  /** Answers read and write of `config`. */
  handle(request: DevRequest): DevResponse {
    if (request.operation === 'read') {
      if (this.#value === undefined) throw notFound();
      return { kind: 'logical', data: this.#codec.read(this.#value) };
    }
    if (request.operation !== 'update') throw unsupportedOperation();
    this.#value = this.#codec.write(request.data);
    const warnings = ignoredFieldsWarning(request.data, this.#codec.fields);
    return warnings.length === 0 ? { kind: 'empty' } : { kind: 'logical', data: null, warnings };
  }
}
