/**
 * A small seeded PRNG (mulberry32) for tests that make random choices: the seed comes from
 * SWITCHYARD_TEST_SEED when set, so a failure printed with its seed can be replayed exactly.
 */
export function testSeed(): number {
  const fromEnv = process.env.SWITCHYARD_TEST_SEED;
  if (fromEnv !== undefined && fromEnv !== '') return Number(fromEnv) >>> 0;
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}

export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
