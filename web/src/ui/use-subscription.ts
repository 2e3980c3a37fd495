import { useEffect, useState } from 'preact/hooks';

/** Something with listeners: the downloads store or the session. */
interface Subscribable {
  subscribe(listener: () => void): () => void;
}

/**
 * Re-render when `source` changes, at most once per animation frame (a poll of 1,000 downloads and
 * a burst of notifications then cost one render), and return `read()`'s current value.
 */
export function useSubscription<T>(source: Subscribable, read: () => T): T {
  const [, setTick] = useState(0);
  useEffect(() => {
    let frame = 0;
    const off = source.subscribe(() => {
      if (frame !== 0) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setTick((t) => t + 1);
      });
    });
    return () => {
      off();
      cancelAnimationFrame(frame);
    };
  }, [source]);
  return read();
}
