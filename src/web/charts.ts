// The demo's charts, on Chart.js (only the bar chart's parts are registered, to keep the bundle small). Each
// canvas gets one Chart that later runs update in place, without animation: the numbers are what matter.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartDataset } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export const COLORS = { before: '#3b6ea5', after: '#e07b39', actual: '#8a8a8a' } as const;

export interface Series {
  label: string;
  data: number[];
  color: string;
}

const charts = new WeakMap<HTMLCanvasElement, Chart<'bar'>>();

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

/**
 * Draws (or redraws) grouped bars on `canvas`. `horizontal` puts the categories on the y axis (player names
 * stay readable on a phone); `histogram` draws touching bars; values are probabilities or shares, shown in %.
 */
export function drawBars(
  canvas: HTMLCanvasElement,
  labels: string[],
  series: Series[],
  opts: { horizontal?: boolean; histogram?: boolean; valueTitle: string; categoryTitle: string },
): void {
  const datasets: ChartDataset<'bar', number[]>[] = series.map((s) => ({
    label: s.label,
    data: s.data,
    backgroundColor: s.color,
    borderWidth: 0,
    ...(opts.histogram === true
      ? { categoryPercentage: 1, barPercentage: series.length > 1 ? 0.95 : 1 }
      : { categoryPercentage: 0.8, barPercentage: 0.9 }),
  }));
  const valueAxis = {
    beginAtZero: true,
    title: { display: true, text: opts.valueTitle },
    ticks: { callback: (v: number | string) => pct(Number(v)) },
  };
  const categoryAxis = { title: { display: true, text: opts.categoryTitle }, ticks: { autoSkip: opts.histogram === true, maxRotation: 0 } };
  const existing = charts.get(canvas);
  if (existing !== undefined) {
    existing.data.labels = labels;
    existing.data.datasets = datasets;
    existing.update('none');
    return;
  }
  const chart = new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets },
    options: {
      indexAxis: opts.horizontal === true ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: opts.horizontal === true ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12 } },
        tooltip: {
          callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${pct(item.parsed[opts.horizontal === true ? 'x' : 'y'] ?? 0)}` },
        },
      },
    },
  });
  charts.set(canvas, chart);
}
