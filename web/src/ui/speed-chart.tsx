import { formatSpeed } from '../lib/format.js';
import { chartPoints } from '../lib/speed-history.js';
import { SPEED_SAMPLES } from '../store/session.js';

const W = 160;
const H = 36;

/** The global download speed of the last minute as a line; the current speed beside it. */
export function SpeedChart({ samples, speed }: { samples: readonly number[]; speed: number }) {
  const peak = Math.max(0, ...samples);
  return (
    <div class="speed">
      <svg
        class="chart"
        viewBox={`0 0 ${W} ${H}`}
        width={W}
        height={H}
        role="img"
        aria-label={`Download speed over the last minute, peak ${formatSpeed(peak)}`}
      >
        <polyline points={chartPoints(samples, SPEED_SAMPLES, W, H)} fill="none" stroke="currentColor" stroke-width="2" />
      </svg>
      <output class="speed-now" aria-live="off" title="Total download speed">
        {formatSpeed(speed)}
      </output>
    </div>
  );
}
