/**
 * An encoder written as a generator yields after each item it has encoded. The exporter runs it
 * a few milliseconds at a time and lets the event loop serve receivers in between, so a
 * thousand-span batch never holds up ingest for the whole of its encoding; everyone else runs it
 * straight through. Yields carry nothing: they only mark where stopping is safe.
 */
export type EncodeSteps<T> = Generator<void, T, void>;

/** Runs an encoder's steps to the end, synchronously. */
export function runSteps<T>(steps: EncodeSteps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}
