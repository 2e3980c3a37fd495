/**
 * A seeded random integer source for tests that run random sequences and must run the same one
 * every time: `rnd(n)` is in 0..n-1 (n at most 65,536). A 32-bit linear congruential generator
 * in exact integer arithmetic, its upper bits used (the low bits of an LCG repeat quickly).
 */
export function seededRandom(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 16) % n;
  };
}
