/**
 * Charts drawn as inline SVG (no chart library, nothing from a CDN). Each chart is a <figure> with a
 * caption; the SVG has role="img" and a text alternative, and the numbers are also in a table below it
 * (in a <details>), so nothing is only in the picture.
 */

export interface Datum {
  label: string;
  value: number;
}

// The viewBox is about the width a chart gets on a laptop (two per row), so 14px text shows at 14px.
const BAR_HEIGHT = 22;
const GAP = 10;
const LABEL_WIDTH = 180;
const VALUE_WIDTH = 60;
const WIDTH = 500;

function trimLabel(label: string, max = 26): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

function DataTable({ data, unit, caption }: { data: readonly Datum[]; unit: string; caption: string }) {
  return (
    <details class="chart-data">
      <summary>Show the numbers</summary>
      <table class="table">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col" class="num">
              {unit}
            </th>
          </tr>
        </thead>
        <tbody>
          {data.map((datum) => (
            <tr key={datum.label}>
              <th scope="row">{datum.label}</th>
              <td class="num">{formatNumber(datum.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** Horizontal bars, one per datum, the value at the end of each bar. */
export function BarChart({
  id,
  title,
  data,
  unit,
  empty = 'Nothing in this period.',
}: {
  id: string;
  title: string;
  data: readonly Datum[];
  unit: string;
  empty?: string;
}) {
  const max = Math.max(1, ...data.map((d) => d.value));
  const height = data.length * (BAR_HEIGHT + GAP) + GAP;
  const barSpace = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const summary = data.map((d) => `${d.label}: ${formatNumber(d.value)}`).join('; ');
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      {data.length === 0 ? (
        <p class="muted">{empty}</p>
      ) : (
        <>
          <svg
            viewBox={`0 0 ${WIDTH} ${height}`}
            width="100%"
            role="img"
            aria-label={`${title}. ${unit}: ${summary}`}
            class="chart-svg"
            preserveAspectRatio="xMinYMin meet"
          >
            {data.map((datum, index) => {
              const y = GAP + index * (BAR_HEIGHT + GAP);
              const width = Math.max(datum.value > 0 ? 2 : 0, (datum.value / max) * barSpace);
              return (
                <g key={datum.label}>
                  <text
                    x={LABEL_WIDTH - 8}
                    y={y + BAR_HEIGHT / 2}
                    class="chart-label"
                    text-anchor="end"
                    dominant-baseline="middle"
                  >
                    {trimLabel(datum.label)}
                  </text>
                  <rect x={LABEL_WIDTH} y={y} width={width} height={BAR_HEIGHT} rx="3" class="chart-bar" />
                  <text
                    x={LABEL_WIDTH + width + 6}
                    y={y + BAR_HEIGHT / 2}
                    class="chart-value"
                    dominant-baseline="middle"
                  >
                    {formatNumber(datum.value)}
                  </text>
                </g>
              );
            })}
          </svg>
          <DataTable data={data} unit={unit} caption={title} />
        </>
      )}
    </figure>
  );
}

export interface Pair {
  label: string;
  first: number | null;
  second: number | null;
}

/** Two bars per row (e.g. median and 90th percentile), with a legend. */
export function PairedBarChart({
  id,
  title,
  rows,
  firstName,
  secondName,
  unit,
}: {
  id: string;
  title: string;
  rows: readonly Pair[];
  firstName: string;
  secondName: string;
  unit: string;
}) {
  const values = rows.flatMap((row) => [row.first ?? 0, row.second ?? 0]);
  const max = Math.max(1, ...values);
  const rowHeight = BAR_HEIGHT * 2 + GAP * 2;
  const height = rows.length * rowHeight + GAP + 24;
  const barSpace = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const show = (value: number | null) => (value === null ? 'no data' : `${formatNumber(value)} ${unit}`);
  const summary = rows
    .map((r) => `${r.label}: ${firstName} ${show(r.first)}, ${secondName} ${show(r.second)}`)
    .join('; ');
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        role="img"
        aria-label={`${title}. ${summary}`}
        class="chart-svg"
      >
        <g>
          <rect x={LABEL_WIDTH} y={4} width={12} height={12} class="chart-bar" />
          <text x={LABEL_WIDTH + 18} y={10} class="chart-label" dominant-baseline="middle">
            {firstName}
          </text>
          <rect x={LABEL_WIDTH + 130} y={4} width={12} height={12} class="chart-bar chart-bar-alt" />
          <text x={LABEL_WIDTH + 148} y={10} class="chart-label" dominant-baseline="middle">
            {secondName}
          </text>
        </g>
        {rows.map((row, index) => {
          const y = 24 + GAP + index * rowHeight;
          const bar = (value: number | null, offset: number, alt: boolean) => {
            const width = value === null ? 0 : Math.max(value > 0 ? 2 : 0, (value / max) * barSpace);
            return (
              <>
                <rect
                  x={LABEL_WIDTH}
                  y={y + offset}
                  width={width}
                  height={BAR_HEIGHT}
                  rx="3"
                  class={alt ? 'chart-bar chart-bar-alt' : 'chart-bar'}
                />
                <text
                  x={LABEL_WIDTH + width + 6}
                  y={y + offset + BAR_HEIGHT / 2}
                  class="chart-value"
                  dominant-baseline="middle"
                >
                  {value === null ? 'no data' : formatNumber(value)}
                </text>
              </>
            );
          };
          return (
            <g key={row.label}>
              <text
                x={LABEL_WIDTH - 8}
                y={y + BAR_HEIGHT}
                class="chart-label"
                text-anchor="end"
                dominant-baseline="middle"
              >
                {trimLabel(row.label)}
              </text>
              {bar(row.first, 0, false)}
              {bar(row.second, BAR_HEIGHT + 4, true)}
            </g>
          );
        })}
      </svg>
      <details class="chart-data">
        <summary>Show the numbers</summary>
        <table class="table">
          <caption class="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col" class="num">
                {firstName}
              </th>
              <th scope="col" class="num">
                {secondName}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.label}>
                <th scope="row">{row.label}</th>
                <td class="num">{show(row.first)}</td>
                <td class="num">{show(row.second)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/**
 * Goal attainment: one dot per closed referral on the T-score scale (50 = goals met as expected; the
 * usual range 20–80), with the reference line at 50.
 */
export function TScoreChart({
  id,
  title,
  scores,
}: {
  id: string;
  title: string;
  scores: readonly { label: string; value: number }[];
}) {
  const min = 20;
  const max = 80;
  const left = 40;
  const right = WIDTH - 20;
  const x = (value: number) =>
    left + ((Math.min(max, Math.max(min, value)) - min) / (max - min)) * (right - left);
  const height = 110;
  const mean = scores.length > 0 ? scores.reduce((sum, s) => sum + s.value, 0) / scores.length : undefined;
  const ticks = [20, 30, 40, 50, 60, 70, 80];
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      {scores.length === 0 ? (
        <p class="muted">No closed referral with goals in this period.</p>
      ) : (
        <>
          <svg
            viewBox={`0 0 ${WIDTH} ${height}`}
            width="100%"
            role="img"
            aria-label={`${title}. ${scores.length} closed referrals; mean T-score ${formatNumber(mean ?? 0)}. 50 means goals were met as expected.`}
            class="chart-svg"
          >
            <line x1={left} x2={right} y1={70} y2={70} class="chart-axis" />
            {ticks.map((tick) => (
              <g key={tick}>
                <line x1={x(tick)} x2={x(tick)} y1={66} y2={74} class="chart-axis" />
                <text x={x(tick)} y={92} class="chart-label" text-anchor="middle">
                  {tick}
                </text>
              </g>
            ))}
            <line x1={x(50)} x2={x(50)} y1={14} y2={74} class="chart-reference" />
            <text x={x(50) + 6} y={20} class="chart-label">
              As expected (50)
            </text>
            {scores.map((score, index) => (
              <circle
                key={score.label}
                cx={x(score.value)}
                cy={56 - (index % 4) * 9}
                r="5"
                class="chart-dot"
              />
            ))}
          </svg>
          <DataTable data={scores} unit="T-score" caption={title} />
        </>
      )}
    </figure>
  );
}
