import type { OutboundRequest, SendResult, Transport } from '../formats/types.js';

/** Where a request ended after every layer: a transport's answer, or what a layer decided. */
export type Outcome =
  | SendResult
  | { kind: 'gave_up'; reason: string; status?: number }
  | { kind: 'aborted'; reason: string };

/**
 * The interface every sending layer has, as undici's dispatchers share one: a layer wraps an
 * inner sender and adds one concern (timeout, retry, compression). A Transport is the innermost.
 */
export interface Sender {
  send(request: OutboundRequest, signal: AbortSignal): Promise<Outcome>;
}

export type Layer = (inner: Sender) => Sender;

/** Wraps layers around a transport, outermost first: `stack(t, compress, retry, timeout)`. */
export function stack(transport: Transport, ...layers: Layer[]): Sender {
  let s: Sender = { send: (req, signal) => transport.send(req, signal) };
  for (let i = layers.length - 1; i >= 0; i--) s = layers[i]!(s);
  return s;
}
