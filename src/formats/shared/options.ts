import { z } from 'zod';
import { byteSize } from '../../util/schema.js';
import type { OptionsOf } from '../types.js';

/**
 * An encoder's options from raw keys, parsed through the format's own schema (defaults applied):
 * for callers without the config loader in front of them (the `translate` codecs, tests). The
 * exporter's common `max_content_bytes` is the one key of the shared schema encoders read.
 */
export function parseOptions<S extends z.ZodRawShape>(shape: S, raw: Record<string, unknown> = {}): OptionsOf<S> {
  return z.object({ max_content_bytes: byteSize.optional(), ...shape }).parse(raw) as unknown as OptionsOf<S>;
}
