import { formatBytes, formatSpeed } from '../lib/format.js';
import type { SegmentMap } from '../lib/segment-map.js';

/** The segment map drawn as cells, with a text summary and (from ferry) one row per connection. */
export function SegmentBar({ map }: { map: SegmentMap }) {
  const percent = Math.floor(map.doneFraction * 100);
  const label =
    map.source === 'none'
      ? 'No piece information yet'
      : `${percent}% done${map.source === 'segments' ? `, ${map.segments.filter((s) => s.state === 'active').length} connections working` : ''}`;
  return (
    <figure class="segments">
      <div class="segment-cells" role="img" aria-label={`Segment map: ${label}`}>
        {map.cells.map((c) => (
          <span
            key={c.at}
            class={c.owner === undefined ? 'cell' : 'cell working'}
            style={`--f: ${c.done.toFixed(3)}`}
            title={c.owner === undefined ? undefined : `connection ${c.owner}`}
          />
        ))}
      </div>
      <figcaption>
        {label} {map.source === 'pieces' && <span class="muted">(from the daemon’s piece bitfield)</span>}
      </figcaption>
      {map.segments.length > 0 && (
        <table class="segment-table">
          <caption>Connections</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">State</th>
              <th scope="col">Range</th>
              <th scope="col">Done</th>
              <th scope="col">Speed</th>
            </tr>
          </thead>
          <tbody>
            {map.segments.map((s) => (
              <tr key={s.id}>
                <td>{s.id}</td>
                <td>{s.state}</td>
                <td>
                  {formatBytes(s.start)} – {formatBytes(s.end)}
                </td>
                <td>{formatBytes(s.received)}</td>
                <td>{formatSpeed(s.speed)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  );
}
